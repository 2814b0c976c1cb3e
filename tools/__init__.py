"""Tools for testing and measuring antq, kept out of the installed package: the hostile
file corpus, the messy sample month and its scorer. Run from the project root, e.g.
`python -m tools.hostile --out DIR`."""

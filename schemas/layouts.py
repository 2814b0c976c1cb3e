"""Load layouts.yaml: the words the layout detector recognises, as folded phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from antq.text import fold


@dataclass(frozen=True, eq=False)  # hashed by identity: its methods' caches key on it
class Phrases:
    """A set of folded phrases; `found_in` is a whole-word, in-order containment test."""

    phrases: tuple[str, ...]

    def __post_init__(self) -> None:
        patterns = [re.compile(rf"(?:^| ){re.escape(fold(p))}(?: |$)") for p in self.phrases]
        object.__setattr__(self, "_patterns", patterns)

    @lru_cache(maxsize=65536)  # noqa: B019 - a few Phrases live for the whole process
    def found_in(self, text: str) -> bool:
        folded = fold(text)
        return any(p.search(folded) for p in self._patterns)  # type: ignore[attr-defined]

    def equals(self, text: str) -> bool:
        return fold(text) in {fold(p) for p in self.phrases}

    @lru_cache(maxsize=65536)  # noqa: B019 - a few Phrases live for the whole process
    def only(self, text: str) -> bool:
        """The text says nothing but these phrases (and numbers): "Tháng 10/2026"."""
        rest = f" {fold(text)} "
        for pattern in self._patterns:  # type: ignore[attr-defined]
            rest = pattern.sub(" ", rest)
        return bool(fold(text)) and not "".join(ch for ch in rest if not ch.isdigit()).strip()

    def first_in(self, text: str) -> str | None:
        folded = fold(text)
        for phrase, pattern in zip(self.phrases, self._patterns, strict=True):  # type: ignore[attr-defined]
            if pattern.search(folded):
                return phrase
        return None


@dataclass(frozen=True, eq=False)  # loaded once; hashed by identity in the readers' caches
class Layouts:
    value_headers: Phrases
    period_headers: Phrases
    this_period: Phrases
    ignored_headers: Phrases
    code_headers: Phrases
    name_headers: Phrases
    total_labels: Phrases
    total_heads: Phrases
    grand_scopes: Phrases
    group_words: Phrases
    unit_line_prefixes: Phrases
    code_labels: Phrases


@lru_cache(maxsize=1)
def layouts(path: Path | None = None) -> Layouts:
    raw = yaml.safe_load((path or Path(__file__).with_name("layouts.yaml")).read_text("utf-8"))
    return Layouts(**{key: Phrases(tuple(raw[key])) for key in Layouts.__dataclass_fields__})

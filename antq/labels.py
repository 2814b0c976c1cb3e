"""Labels the data team teaches the reader (`antq labels`), and the proposals to teach.

A province's template may word an indicator in a way the catalog does not know; the
reader then reports `unknown-label` with its best candidates. When the same wording
comes back in several files, the run lists it as a proposal; one command records the
mapping in `schemas/taught_labels.yaml` (versioned with the code, or the file named by
ANTQ_TAUGHT_LABELS), which the catalog loader adds to the indicator's synonyms, so every
later file of that template reads. A label taught under a group ("Khác" under "Mô hình
tự quản") becomes a sub-header of that group only: elsewhere it still means nothing.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from antq.text import fold

_DEFAULT = Path(__file__).resolve().parent.parent / "schemas" / "taught_labels.yaml"
_HEADER = (
    "# Labels the data team taught the reader (antq labels accept): each maps a wording\n"
    "# seen in provinces' files to a catalog indicator, optionally only under a group\n"
    "# header of the catalog. Read by schemas/catalog.py with the indicators' synonyms.\n"
)


@dataclass(frozen=True)
class TaughtLabel:
    label: str
    indicator: str
    group: str | None
    taught_by: str
    taught_at: str


def taught_labels_path() -> Path:
    return Path(os.environ.get("ANTQ_TAUGHT_LABELS") or _DEFAULT)


def load_taught(path: Path | None = None) -> list[TaughtLabel]:
    path = path or taught_labels_path()
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        TaughtLabel(
            label=str(item["label"]),
            indicator=str(item["indicator"]),
            group=item.get("group"),
            taught_by=str(item.get("taught_by", "")),
            taught_at=str(item.get("taught_at", "")),
        )
        for item in raw.get("labels", ())
    ]


class TeachError(ValueError):
    """A mapping the catalog cannot take (unknown indicator or group)."""


def teach(
    label: str,
    indicator: str,
    group: str | None = None,
    by: str | None = None,
    path: Path | None = None,
) -> TaughtLabel:
    """Record that `label` (as written) names `indicator` (under `group` only, if given)."""
    from antq.schemas.catalog import load_catalog

    path = path or taught_labels_path()
    catalog = load_catalog(taught_path=path)
    if not catalog.has(indicator):
        raise TeachError(f"không có chỉ tiêu “{indicator}” trong danh mục")
    if group is not None:
        known = {g.id: g for g in catalog.groups}
        if group not in known:
            raise TeachError(f"không có nhóm “{group}”; các nhóm: {', '.join(known)}")
        if indicator not in known[group].members:
            raise TeachError(f"chỉ tiêu “{indicator}” không thuộc nhóm “{group}”")
    taught = load_taught(path)
    entry = TaughtLabel(
        label=label.strip(),
        indicator=indicator,
        group=group,
        taught_by=by or getpass.getuser(),
        taught_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    same = [t for t in taught if fold(t.label) == fold(entry.label) and t.group == group]
    taught = [t for t in taught if t not in same] + [entry]
    _write(path, taught)
    return entry


def _write(path: Path, taught: list[TaughtLabel]) -> None:
    """Written whole to a temporary file, then renamed: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(
        {"version": 1, "labels": [asdict(t) for t in taught]},
        allow_unicode=True,
        sort_keys=False,
    )
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as handle:
        handle.write(_HEADER + body)
    Path(handle.name).replace(path)


# ------------------------------------------------------------------------ proposals


@dataclass(frozen=True)
class Proposal:
    label: str  # as first written
    files: int
    provinces: tuple[str, ...]
    candidates: tuple[tuple[str, float], ...]


def proposals(findings: list, min_files: int = 2, config=None) -> list[Proposal]:  # Config
    """Unknown labels seen in at least `min_files` files, most frequent first, with the
    indicators they most resemble (by the labels of `config`, the packaged one by default)."""
    from antq.config import Config

    book = (config or Config.load()).labels

    seen: dict[str, dict] = defaultdict(lambda: {"label": "", "files": set(), "provinces": set()})
    for finding in findings:
        if finding.rule != "unknown-label" or not finding.value_raw:
            continue
        entry = seen[fold(finding.value_raw)]
        entry["label"] = entry["label"] or finding.value_raw
        entry["files"].add(finding.original_path)
        entry["provinces"].add(finding.province_code)
    found = []
    for entry in seen.values():
        if len(entry["files"]) < min_files:
            continue
        match = book.match(entry["label"])
        found.append(
            Proposal(
                entry["label"],
                len(entry["files"]),
                tuple(sorted(entry["provinces"])),
                tuple((code, round(score)) for code, score in match.candidates[:3]),
            )
        )
    return sorted(found, key=lambda p: (-p.files, p.label))


def proposals_markdown(items: list[Proposal]) -> str:
    """The data team's artifact: what to teach, with the command that teaches it."""
    if not items:
        return "Không có nhãn lạ nào lặp lại trong nhiều tệp."
    lines = [
        "| Nhãn như đã viết | Số tệp | Tỉnh | Chỉ tiêu gần nhất | Lệnh dạy |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in items:
        best = ", ".join(f"{code} ({score})" for code, score in p.candidates)
        # Only a close candidate is offered in the command; otherwise the team chooses.
        close = p.candidates and p.candidates[0][1] >= 80
        code = p.candidates[0][0] if close else "<mã_chỉ_tiêu>"
        command = f'`antq labels accept "{p.label}" {code}`'
        lines.append(f"| {p.label} | {p.files} | {', '.join(p.provinces)} | {best} | {command} |")
    return "\n".join(lines)

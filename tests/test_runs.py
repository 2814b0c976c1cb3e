"""Run records: a re-run from the same inputs finds the month done; any change in what
the month is made from runs it again."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from builders import CLEAN, form_bytes, normalize

from antq.findings import make_finding
from antq.warehouse import runs
from antq.warehouse.store import Warehouse
from antq.warehouse.tables import FACTS

PERIOD = "2026-10"


def _files():
    return [normalize(form_bytes(CLEAN)), normalize(form_bytes(CLEAN), path="2026-10/15/b.xlsx")]


def _print(store, files, reports, refused=()):
    return runs.fingerprint(store, PERIOD, files, list(refused), reports)


def test_the_same_inputs_give_the_same_fingerprint_and_any_change_another(tmp_path, monkeypatch):
    store, reports = Warehouse(tmp_path / "kho"), tmp_path / "bao-cao"
    files = _files()
    first = _print(store, files, reports)
    assert first == _print(store, _files(), reports)

    later = dataclasses.replace(files[0].ref, received_at=dt.datetime(2026, 10, 13, tzinfo=dt.UTC))
    moved = [dataclasses.replace(files[0], ref=later), files[1]]
    refused = [make_finding("file-outside-province", files[0].ref.where(), detail="liên kết")]
    changes = [
        _print(store, moved, reports),  # a file arrived at another time
        _print(store, files[:1], reports),  # a file fewer
        _print(store, files, tmp_path / "khac"),  # reports elsewhere
        _print(store, files, reports, refused),  # discovery refused something
    ]
    staged = store.stage()  # another month's facts committed since
    fact = {"unit_code": "02923", "unit_level": "commune", "province_code": "15"}
    fact |= {"indicator": "tin_bai", "value": 3.0, "value_text": None}
    fact |= {"source_sha256": "a" * 64, "source_cell": "D9", "registry": "2025"}
    store.write_staged(staged, "facts", "2026-09", pd.DataFrame([fact], columns=FACTS.names))
    store.commit(staged, [("facts", "2026-09")])
    changes.append(_print(store, files, reports))
    staged = store.stage()  # and this month's facts: not an input of this month's run
    store.write_staged(staged, "facts", "2026-10", pd.DataFrame([fact], columns=FACTS.names))
    store.commit(staged, [("facts", "2026-10")])
    assert _print(store, files, reports) == changes[-1]
    monkeypatch.setattr(runs, "code_version", lambda: "another version")
    changes.append(_print(store, files, reports))
    assert len({first, *changes}) == len(changes) + 1


def test_a_time_limit_or_a_crash_is_never_vouched_for(tmp_path):
    store = Warehouse(tmp_path / "kho")
    files = _files()
    files[1].findings.append(make_finding("read-timeout", files[1].ref.where(), detail="60"))
    assert _print(store, files, tmp_path / "bao-cao") is None


def test_a_record_counts_only_with_its_fingerprint_and_all_its_outputs(tmp_path):
    store = Warehouse(tmp_path / "kho")
    output = tmp_path / "bao-cao" / "x.xlsx"
    output.parent.mkdir()
    output.write_bytes(b"x")
    runs.remember(store, PERIOD, "abc", {"n_files": 2}, [output])
    assert runs.done_before(store, PERIOD, "abc") == {"n_files": 2}
    assert runs.done_before(store, PERIOD, "abd") is None
    assert runs.done_before(store, "2026-09", "abc") is None
    output.unlink()  # someone removed a report: the month is run again
    assert runs.done_before(store, PERIOD, "abc") is None
    output.write_bytes(b"x")
    runs.forget(store, PERIOD)
    assert runs.done_before(store, PERIOD, "abc") is None

"""Outputs are written aside and renamed: a write that fails half way (a full disk)
leaves the previous report whole under its name, and no temporary file behind."""

from __future__ import annotations

import openpyxl
import pytest

from antq.outputs import save_workbook, write_text


def test_a_workbook_that_fails_half_way_leaves_the_previous_one(tmp_path, monkeypatch):
    path = tmp_path / "bao-cao.xlsx"
    first = openpyxl.Workbook()
    first.active["A1"] = "lần 1"
    save_workbook(first, path)

    second = openpyxl.Workbook()
    second.active["A1"] = "lần 2"

    def full_disk(target):
        target.write_bytes(b"PK\x03\x04 cut")  # a truncated zip, as a full disk leaves
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(second, "save", full_disk)
    with pytest.raises(OSError):
        save_workbook(second, path)
    assert openpyxl.load_workbook(path).active["A1"].value == "lần 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.xlsx"]


def test_text_is_replaced_whole(tmp_path):
    path = tmp_path / "bao-cao.json"
    write_text(path, '{"lần": 1}')
    write_text(path, '{"lần": 2}')
    assert path.read_text(encoding="utf-8") == '{"lần": 2}'
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.json"]

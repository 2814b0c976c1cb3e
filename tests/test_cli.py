"""The data team's own mistakes get a message and exit status 2, never a traceback."""

from __future__ import annotations

from antq.cli import main


def test_a_bad_sql_is_a_message_naming_the_tables(tmp_path, capsys):
    (tmp_path / "warehouse").mkdir()
    assert main(["query", "--warehouse", str(tmp_path / "warehouse"), "SELEC * FROM facts"]) == 2
    err = capsys.readouterr().err
    assert "câu SQL không chạy được" in err and "syntax error" in err
    assert "Traceback" not in err


def test_a_missing_warehouse_is_a_message(tmp_path, capsys):
    assert main(["query", "--warehouse", str(tmp_path / "khong-co"), "SELECT 1"]) == 2
    assert "không tìm thấy kho dữ liệu" in capsys.readouterr().err
    assert not (tmp_path / "khong-co").exists()


def test_a_malformed_period_is_a_message(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    args = ["run", "--period", "10/2026", "--inbox", str(inbox), "--warehouse", str(tmp_path)]
    assert main(args) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_warehouse_that_cannot_be_written_is_said_before_the_month_starts(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = tmp_path / "kho"
    blocker.write_text("a file where the warehouse folder should be")
    args = ["run", "--period", "2026-10", "--inbox", str(inbox), "--warehouse", str(blocker)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "không ghi được vào --warehouse" in err and "Traceback" not in err

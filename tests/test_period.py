"""The one home of month arithmetic."""

from __future__ import annotations

import pytest

from antq.period import Period, previous_period


def test_months_count_across_years():
    january = Period.parse("2026-01")
    assert str(january.previous()) == "2025-12" == previous_period("2026-01")
    assert str(january.shift(-12)) == "2025-01" and str(january.shift(23)) == "2027-12"
    assert [str(p) for p in Period.range(Period(2025, 11), Period(2026, 2))] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert [Period(2026, m).quarter for m in (1, 3, 4, 12)] == [1, 1, 2, 4]
    assert Period(2026, 10).label_vi == "tháng 10/2026"
    assert Period(2025, 12) < Period(2026, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "", "x"])
def test_anything_but_yyyy_mm_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)

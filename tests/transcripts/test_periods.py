"""Dates as recruiters type them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.store.periods import Period, last_days, parse_day, start_of

NOW = date(2025, 6, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("today", NOW),
        (" Yesterday ", date(2025, 6, 9)),
        ("7d", date(2025, 6, 3)),
        ("30 days", date(2025, 5, 11)),
        ("1day", date(2025, 6, 9)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["last week", "2025-13-01", "06/10/2025", ""])
def test_parse_day_explains_the_formats(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_day(text, now=NOW)


def test_bounds_compare_with_stored_timestamps() -> None:
    period = Period(date(2025, 6, 1), date(2025, 6, 2))
    assert period.lower == "2025-06-01T00:00:00.000+00:00"
    assert period.upper == "2025-06-03T00:00:00.000+00:00"  # the whole last day is in
    assert period.lower <= "2025-06-01T00:00:00.001+00:00" < period.upper
    assert period.upper > "2025-06-02T23:59:59.999+00:00"
    assert Period().lower is None and Period().upper is None
    assert start_of(date(2025, 1, 2)) < "2025-01-02T08:00:00.000+00:00"


def test_describe_and_days() -> None:
    assert Period().describe() == "all dates"
    assert Period(since=date(2025, 6, 1)).describe() == "since 2025-06-01"
    assert last_days(3, now=NOW).days() == [date(2025, 6, 8), date(2025, 6, 9), NOW]
    assert last_days(3, now=NOW).describe() == "from 2025-06-08 to 2025-06-10"

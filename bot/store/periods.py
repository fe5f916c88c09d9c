"""Dates as recruiters type them, turned into the store's UTC timestamps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_DAYS_AGO = re.compile(r"(\d+)\s*d(?:ays?)?")


def today() -> date:
    """Today in UTC, the time zone every stored timestamp uses."""
    return datetime.now(UTC).date()


def parse_day(text: str, *, now: date | None = None) -> date:
    """'2025-06-01', 'today', 'yesterday' or '7d' (seven days ago); ValueError otherwise."""
    now = now or today()
    value = text.strip().casefold()
    if value == "today":
        return now
    if value == "yesterday":
        return now - timedelta(days=1)
    if match := _DAYS_AGO.fullmatch(value):
        return now - timedelta(days=int(match[1]))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"not a date: {text!r} (use YYYY-MM-DD, 'today', 'yesterday' or '7d' for 7 days ago)"
        ) from None


def start_of(day: date) -> str:
    """Midnight UTC of `day`, formatted like the stored timestamps so strings compare."""
    return datetime.combine(day, time(), UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days from `since` to `until`, both included; None leaves a side open."""

    since: date | None = None
    until: date | None = None

    @property
    def lower(self) -> str | None:
        """Inclusive lower bound on stored timestamps."""
        return start_of(self.since) if self.since else None

    @property
    def upper(self) -> str | None:
        """Exclusive upper bound on stored timestamps (midnight after `until`)."""
        return start_of(self.until + timedelta(days=1)) if self.until else None

    def describe(self) -> str:
        if self.since and self.until:
            return f"from {self.since} to {self.until}"
        if self.since:
            return f"since {self.since}"
        if self.until:
            return f"until {self.until}"
        return "all dates"

    def days(self) -> list[date]:
        """Every day of a closed period, in order."""
        if not (self.since and self.until):
            raise ValueError("an open period has no list of days")
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]


def last_days(count: int, *, now: date | None = None) -> Period:
    """The last `count` days, today included."""
    end = now or today()
    return Period(end - timedelta(days=count - 1), end)

"""Each console account's visits to a page, for "since my last visit"."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

# Views closer together than this are one visit: reloading a page does not move
# "since my last visit" to a moment ago.
SAME_VISIT = timedelta(minutes=30)


def visit(db: sqlite3.Connection, user: str, page: str, at: datetime) -> datetime | None:
    """Note a view of `page` by `user` at `at`; returns when their previous visit began
    (None on a first visit)."""
    row = db.execute(
        "SELECT seen_at, previous_at FROM console_visits WHERE user = ? AND page = ?",
        (user, page),
    ).fetchone()
    seen = datetime.fromisoformat(row[0]) if row else None
    previous = datetime.fromisoformat(row[1]) if row and row[1] else None
    if seen is not None and at - seen > SAME_VISIT:
        previous = seen
    db.execute(
        "INSERT INTO console_visits (user, page, seen_at, previous_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user, page) DO UPDATE SET seen_at = excluded.seen_at, "
        "previous_at = excluded.previous_at",
        (user, page, at.isoformat(timespec="seconds"), previous and previous.isoformat()),
    )
    return previous

"""Each console account's visits to a page, for "since my last visit"."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from bot.store.database import conflict_insert
from bot.store.tables import console_visits

# Views closer together than this are one visit: reloading a page does not move
# "since my last visit" to a moment ago.
SAME_VISIT = timedelta(minutes=30)


def visit(db: Connection, user: str, page: str, at: datetime) -> datetime | None:
    """Note a view of `page` by `user` at `at`; returns when their previous visit began
    (None on a first visit)."""
    v = console_visits.c
    row = db.execute(select(v.seen_at, v.previous_at).where(v.user == user, v.page == page)).first()
    seen = datetime.fromisoformat(row[0]) if row else None
    previous = datetime.fromisoformat(row[1]) if row and row[1] else None
    if seen is not None and at - seen > SAME_VISIT:
        previous = seen
    seen_now = conflict_insert(db, console_visits).values(
        user=user,
        page=page,
        seen_at=at.isoformat(timespec="seconds"),
        previous_at=previous and previous.isoformat(),
    )
    db.execute(
        seen_now.on_conflict_do_update(
            index_elements=["user", "page"],
            set_={
                "seen_at": seen_now.excluded.seen_at,
                "previous_at": seen_now.excluded.previous_at,
            },
        )
    )
    return previous

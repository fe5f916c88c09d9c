"""Login rate limits, per account and per client IP, kept in the database so that
they hold across restarts and across console processes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failed logins per account within WINDOW
PER_IP = 20  # failed logins from one address within WINDOW, whatever the account


def retry_after(db: sqlite3.Connection, user: str, ip: str) -> timedelta | None:
    """How long until another login may be tried, or None if it may be tried now."""
    now = datetime.now(UTC)
    since = (now - WINDOW).isoformat(timespec="seconds")
    waits = []
    for column, value, limit in (("user", user, PER_ACCOUNT), ("ip", ip, PER_IP)):
        rows = db.execute(
            f"SELECT at FROM console_login_failures WHERE {column} = ? AND at >= ? "
            "ORDER BY at DESC LIMIT ?",
            (value, since, limit),
        ).fetchall()
        if len(rows) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            waits.append(datetime.fromisoformat(rows[-1]["at"]) + WINDOW - now)
    return max(waits) if waits else None


def record_failure(db: sqlite3.Connection, user: str, ip: str) -> None:
    now = datetime.now(UTC)
    db.execute(
        "DELETE FROM console_login_failures WHERE at < ?",
        ((now - WINDOW).isoformat(timespec="seconds"),),
    )
    db.execute(
        "INSERT INTO console_login_failures VALUES (?, ?, ?)",
        (now.isoformat(timespec="seconds"), user, ip),
    )


def clear(db: sqlite3.Connection, user: str) -> None:
    """A successful login forgets the account's failures (not the address's)."""
    db.execute("DELETE FROM console_login_failures WHERE user = ?", (user,))

"""Sign-in back-off per account and address pair, kept in the database so that it holds
across restarts and console processes.

Nobody can be locked out by someone else: failures from one address slow down only
that address's tries at that account. The right password from another address works at
once, and an admin's unlock or a password reset lifts the back-off.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(hours=1)  # failures older than this are forgotten
FREE_TRIES = 5  # failed sign-ins per pair before any wait
MAX_WAIT = timedelta(minutes=15)


def retry_after(db: sqlite3.Connection, user: str, ip: str) -> timedelta | None:
    """How long this address must wait before trying this account again, or None."""
    now = datetime.now(UTC)
    rows = db.execute(
        "SELECT at FROM console_login_failures WHERE user = ? AND ip = ? AND at >= ? "
        "ORDER BY at DESC",
        (user, ip, (now - WINDOW).isoformat(timespec="seconds")),
    ).fetchall()
    if len(rows) < FREE_TRIES:
        return None
    # 1 s after the 5th failure, then 2, 4, 8 s ... up to MAX_WAIT after the latest.
    wait = min(timedelta(seconds=2 ** (len(rows) - FREE_TRIES)), MAX_WAIT)
    left = datetime.fromisoformat(rows[0][0]) + wait - now
    return left if left > timedelta(0) else None


def record_failure(db: sqlite3.Connection, user: str, ip: str) -> None:
    now = datetime.now(UTC)
    db.execute(
        "DELETE FROM console_login_failures WHERE at < ?",
        ((now - WINDOW).isoformat(timespec="seconds"),),
    )
    db.execute(
        "INSERT INTO console_login_failures VALUES (?, ?, ?)",
        (now.isoformat(timespec="milliseconds"), user, ip),
    )


def clear(db: sqlite3.Connection, user: str) -> int:
    """Forget the account's failures from every address (a sign-in, an unlock, a reset);
    returns how many there were."""
    return db.execute("DELETE FROM console_login_failures WHERE user = ?", (user,)).rowcount


def failures(db: sqlite3.Connection, user: str) -> int:
    """The account's recent failures, from any address (for the accounts page)."""
    since = (datetime.now(UTC) - WINDOW).isoformat(timespec="seconds")
    row = db.execute(
        "SELECT count(*) FROM console_login_failures WHERE user = ? AND at >= ?", (user, since)
    ).fetchone()
    return int(row[0])

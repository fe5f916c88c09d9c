"""Sign-in back-off per account and address pair, kept in the database so that it holds
across restarts and console processes.

Nobody can be locked out by someone else: failures from one address slow down only
that address's tries at that account. The right password from another address works at
once, and an admin's unlock or a password reset lifts the back-off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from bot.store.tables import console_login_failures as failed

WINDOW = timedelta(hours=1)  # failures older than this are forgotten
FREE_TRIES = 5  # failed sign-ins per pair before any wait
MAX_WAIT = timedelta(minutes=15)


def retry_after(db: Connection, user: str, ip: str) -> timedelta | None:
    """How long this address must wait before trying this account again, or None."""
    now = datetime.now(UTC)
    since = (now - WINDOW).isoformat(timespec="seconds")
    rows = db.execute(
        select(failed.c.at)
        .where(failed.c.user == user, failed.c.ip == ip, failed.c.at >= since)
        .order_by(failed.c.at.desc())
    ).all()
    if len(rows) < FREE_TRIES:
        return None
    # 1 s after the 5th failure, then 2, 4, 8 s ... up to MAX_WAIT after the latest.
    wait = min(timedelta(seconds=2 ** (len(rows) - FREE_TRIES)), MAX_WAIT)
    left = datetime.fromisoformat(rows[0][0]) + wait - now
    return left if left > timedelta(0) else None


def record_failure(db: Connection, user: str, ip: str) -> None:
    now = datetime.now(UTC)
    db.execute(delete(failed).where(failed.c.at < (now - WINDOW).isoformat(timespec="seconds")))
    db.execute(insert(failed).values(at=now.isoformat(timespec="milliseconds"), user=user, ip=ip))


def clear(db: Connection, user: str) -> int:
    """Forget the account's failures from every address (a sign-in, an unlock, a reset);
    returns how many there were."""
    return db.execute(delete(failed).where(failed.c.user == user)).rowcount


def failures(db: Connection, user: str) -> int:
    """The account's recent failures, from any address (for the accounts page)."""
    since = (datetime.now(UTC) - WINDOW).isoformat(timespec="seconds")
    counted = select(func.count()).where(failed.c.user == user, failed.c.at >= since)
    return int(db.execute(counted).scalar_one())

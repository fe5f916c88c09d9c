"""Login sessions: a random id in a signed cookie, its hash and expiry in the database.

Keeping sessions server-side is what makes logout, disabling an account and a
password reset take effect at once; the signature rejects forged cookies before
any database lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy import Connection, delete, insert, or_, select, update

from bot.store.tables import console_sessions as sessions
from bot.store.users import User, get_user

COOKIE = "hirebot_session"
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a write


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf: str  # the token every state-changing form must carry
    id_hash: str


class SessionBook:
    """Starts, resumes and ends sessions."""

    def __init__(self, secret: str, idle: timedelta, lifetime: timedelta) -> None:
        self._signer = Signer(secret, salt="hirebot-console-session")
        self.idle = idle
        self.lifetime = lifetime

    def start(self, db: Connection, user: User) -> str:
        """A new session for `user`; returns the cookie value."""
        session_id = secrets.token_urlsafe(32)
        at = _now()
        s = sessions.c
        stale = or_(s.last_seen_at < _iso(at - self.idle), s.created_at < _iso(at - self.lifetime))
        db.execute(delete(sessions).where(stale))
        db.execute(
            insert(sessions).values(
                id_hash=_hash(session_id),
                user=user.name,
                csrf=secrets.token_urlsafe(32),
                created_at=_iso(at),
                last_seen_at=_iso(at),
            )
        )
        return self._signer.sign(session_id).decode()

    def resume(self, db: Connection, cookie: str | None) -> Session | None:
        """The live session behind `cookie`, or None (expired, ended, forged, disabled)."""
        session_id = self._unsign(cookie)
        if session_id is None:
            return None
        id_hash = _hash(session_id)
        s = sessions.c
        row = (
            db.execute(
                select(s.user, s.csrf, s.created_at, s.last_seen_at).where(s.id_hash == id_hash)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        at = _now()
        last_seen = datetime.fromisoformat(row["last_seen_at"])
        expired = (
            at - last_seen > self.idle
            or at - datetime.fromisoformat(row["created_at"]) > self.lifetime
        )
        user = get_user(db, row["user"])
        if expired or user is None or user.disabled:
            db.execute(delete(sessions).where(s.id_hash == id_hash))
            return None
        if at - last_seen > TOUCH_EVERY:
            db.execute(update(sessions).where(s.id_hash == id_hash).values(last_seen_at=_iso(at)))
        return Session(user, row["csrf"], id_hash)

    def end(self, db: Connection, session: Session) -> None:
        db.execute(delete(sessions).where(sessions.c.id_hash == session.id_hash))

    def _unsign(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return self._signer.unsign(cookie).decode()
        except BadSignature:
            return None


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")

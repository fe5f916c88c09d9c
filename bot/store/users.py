"""Console accounts: created and managed from the CLI, disabled from the admin page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from bot.core.vocabulary import Role
from bot.store import passwords
from bot.store.tables import console_login_failures, console_sessions, console_users

ROLES = tuple(Role)  # viewer, recruiter, admin
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
u = console_users.c
_SELECT = select(u.name, u.role, u.disabled, u.created_at, u.password_changed_at)


class UserError(Exception):
    """A user-management request that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    disabled: bool
    created_at: str
    password_changed_at: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_act(self) -> bool:
        """Reviews, notes, replies and exports: everyone but the read-only viewer."""
        return self.role != Role.VIEWER


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_user(db: Connection, name: str, role: str, password: str) -> User:
    check_new(db, name, role)
    hashed = passwords.hash_password(password)
    at = now()
    db.execute(
        insert(console_users).values(
            name=name,
            role=role,
            password_hash=hashed,
            disabled=0,
            created_at=at,
            password_changed_at=at,
        )
    )
    return User(name, role, False, at, at)


def check_new(db: Connection, name: str, role: str) -> None:
    """UserError unless an account `name` with `role` can be added."""
    if not NAME.fullmatch(name):
        raise UserError(
            "A user name has 1 to 64 letters, digits or . _ @ + - and starts with a "
            "letter or digit."
        )
    if role not in ROLES:
        raise UserError(f"The role must be one of: {', '.join(ROLES)}.")
    if get_user(db, name) is not None:
        raise UserError(f"There is already a user named {name!r}.")


def get_user(db: Connection, name: str) -> User | None:
    row = db.execute(_SELECT.where(u.name == name)).mappings().first()
    return _user(row) if row else None


def list_users(db: Connection) -> list[User]:
    return [_user(row) for row in db.execute(_SELECT.order_by(func.lower(u.name))).mappings()]


def set_disabled(db: Connection, name: str, disabled: bool) -> User:
    """Disable (ending every session at once) or enable an account."""
    user = existing(db, name)
    db.execute(update(console_users).where(u.name == name).values(disabled=int(disabled)))
    if disabled:
        db.execute(delete(console_sessions).where(console_sessions.c.user == name))
    return existing(db, user.name)


def reset_password(db: Connection, name: str, password: str) -> User:
    """Set a new password and end the account's sessions."""
    user = existing(db, name)
    db.execute(
        update(console_users)
        .where(u.name == user.name)
        .values(password_hash=passwords.hash_password(password), password_changed_at=now())
    )
    db.execute(delete(console_sessions).where(console_sessions.c.user == user.name))
    failures = console_login_failures
    db.execute(delete(failures).where(failures.c.user == user.name))  # unlocked
    return existing(db, user.name)


def authenticate(db: Connection, name: str, password: str) -> User | None:
    """The enabled account with this name and password, else None (in the same time)."""
    row = db.execute(_SELECT.add_columns(u.password_hash).where(u.name == name)).mappings().first()
    stored = row["password_hash"] if row else None
    if not passwords.verify(stored, password) or row is None or row["disabled"]:
        return None
    if stored is not None and passwords.needs_rehash(stored):
        db.execute(
            update(console_users)
            .where(u.name == row["name"])
            .values(password_hash=passwords.hash_password(password))
        )
    return _user(row)


def existing(db: Connection, name: str) -> User:
    """The account `name`, or UserError saying there is none."""
    user = get_user(db, name)
    if user is None:
        raise UserError(f"No user is named {name!r}. `python -m bot users list` shows them.")
    return user


def _user(row: RowMapping) -> User:
    return User(
        name=row["name"],
        role=row["role"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
    )

"""Console accounts: created and managed from the CLI, disabled from the admin page."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.console import passwords
from bot.core.vocabulary import Role

ROLES = tuple(Role)  # viewer, recruiter, admin
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


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


def add_user(db: sqlite3.Connection, name: str, role: str, password: str) -> User:
    check_new(db, name, role)
    hashed = passwords.hash_password(password)
    at = now()
    db.execute("INSERT INTO console_users VALUES (?, ?, ?, 0, ?, ?)", (name, role, hashed, at, at))
    return User(name, role, False, at, at)


def check_new(db: sqlite3.Connection, name: str, role: str) -> None:
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


def get_user(db: sqlite3.Connection, name: str) -> User | None:
    row = db.execute(
        "SELECT name, role, disabled, created_at, password_changed_at FROM console_users "
        "WHERE name = ?",
        (name,),
    ).fetchone()
    return _user(row) if row else None


def list_users(db: sqlite3.Connection) -> list[User]:
    rows = db.execute(
        "SELECT name, role, disabled, created_at, password_changed_at FROM console_users "
        "ORDER BY name COLLATE NOCASE"
    )
    return [_user(row) for row in rows]


def set_disabled(db: sqlite3.Connection, name: str, disabled: bool) -> User:
    """Disable (ending every session at once) or enable an account."""
    user = existing(db, name)
    db.execute("UPDATE console_users SET disabled = ? WHERE name = ?", (int(disabled), name))
    if disabled:
        db.execute("DELETE FROM console_sessions WHERE user = ?", (name,))
    return existing(db, user.name)


def reset_password(db: sqlite3.Connection, name: str, password: str) -> User:
    """Set a new password and end the account's sessions."""
    user = existing(db, name)
    db.execute(
        "UPDATE console_users SET password_hash = ?, password_changed_at = ? WHERE name = ?",
        (passwords.hash_password(password), now(), user.name),
    )
    db.execute("DELETE FROM console_sessions WHERE user = ?", (user.name,))
    db.execute("DELETE FROM console_login_failures WHERE user = ?", (user.name,))  # unlocked
    return existing(db, user.name)


def authenticate(db: sqlite3.Connection, name: str, password: str) -> User | None:
    """The enabled account with this name and password, else None (in the same time)."""
    row = db.execute(
        "SELECT name, role, disabled, created_at, password_changed_at, password_hash "
        "FROM console_users WHERE name = ?",
        (name,),
    ).fetchone()
    stored = row["password_hash"] if row else None
    if not passwords.verify(stored, password) or row is None or row["disabled"]:
        return None
    if stored is not None and passwords.needs_rehash(stored):
        db.execute(
            "UPDATE console_users SET password_hash = ? WHERE name = ?",
            (passwords.hash_password(password), row["name"]),
        )
    return _user(row)


def existing(db: sqlite3.Connection, name: str) -> User:
    """The account `name`, or UserError saying there is none."""
    user = get_user(db, name)
    if user is None:
        raise UserError(f"No user is named {name!r}. `python -m bot users list` shows them.")
    return user


def _user(row: sqlite3.Row) -> User:
    return User(
        name=row["name"],
        role=row["role"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
    )

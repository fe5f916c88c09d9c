"""The audit log: who viewed, exported or changed what, and when. Admins read it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    user: str
    action: str
    conversation: str | None
    detail: str
    ip: str | None


def record(
    db: sqlite3.Connection,
    user: str,
    action: str,
    *,
    conversation: str | None = None,
    detail: str = "",
    ip: str | None = None,
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, user, action, conversation, detail, ip) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            user,
            action,
            conversation,
            detail,
            ip,
        ),
    )


def entries(
    db: sqlite3.Connection,
    *,
    user: str | None = None,
    conversation: str | None = None,
    page: int = 1,
) -> tuple[list[AuditEntry], bool]:
    """One page of entries, newest first, and whether there are more."""
    where, params = ["1"], []
    if user:
        where.append("user = ?")
        params.append(user)
    if conversation:
        where.append("conversation = ?")
        params.append(conversation)
    rows = db.execute(
        f"SELECT at, user, action, conversation, detail, ip FROM audit_log "
        f"WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE + 1, (max(page, 1) - 1) * PAGE_SIZE],
    ).fetchall()
    found = [AuditEntry(*row) for row in rows[:PAGE_SIZE]]
    return found, len(rows) > PAGE_SIZE

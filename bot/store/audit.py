"""The audit log: who viewed, exported or changed what, and when. Admins read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from bot.store.tables import audit_log

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
    db: Connection,
    user: str,
    action: str,
    *,
    conversation: str | None = None,
    detail: str = "",
    ip: str | None = None,
) -> None:
    db.execute(
        insert(audit_log).values(
            at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            user=user,
            action=action,
            conversation=conversation,
            detail=detail,
            ip=ip,
        )
    )


def entries(
    db: Connection,
    *,
    user: str | None = None,
    conversation: str | None = None,
    page: int = 1,
) -> tuple[list[AuditEntry], bool]:
    """One page of entries, newest first, and whether there are more."""
    a = audit_log.c
    query = select(a.at, a.user, a.action, a.conversation, a.detail, a.ip)
    if user:
        query = query.where(a.user == user)
    if conversation:
        query = query.where(a.conversation == conversation)
    page_rows = query.order_by(a.id.desc()).limit(PAGE_SIZE + 1)
    rows = db.execute(page_rows.offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    found = [AuditEntry(*row) for row in rows[:PAGE_SIZE]]
    return found, len(rows) > PAGE_SIZE

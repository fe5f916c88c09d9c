"""The SQLite revisions' scripts, run one statement at a time in Alembic's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from alembic import op


def run_script(script: str) -> None:
    """Run `script` on the migrating connection. These revisions are the schema versions
    the bot shipped with SQLite before Alembic (PRAGMA user_version 1 to 6), kept
    verbatim so that files at any of those versions upgrade in place. Elsewhere they do
    nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # SQLite's own history: revision 0007 builds the schema elsewhere
    for statement in statements(script):
        bind.exec_driver_sql(statement)


def statements(script: str) -> Iterator[str]:
    """A script's statements one by one (a trigger's body stays whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip() and not all(
        part.strip().startswith("--") for part in pending.splitlines() if part.strip()
    ):
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:80]}")

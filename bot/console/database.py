"""The console's connections to the transcript database (the bot's own SQLite file).

Reads go through `queries.connect` (read-only, so a page can never change or lock
the bot's data); the console's own writes (accounts, sessions, reviews, notes,
audit) use a short read-write connection. WAL lets both run beside the bot.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from bot.transcripts import queries

BUSY_TIMEOUT_MS = 5000
SECRET_KEY = "console_secret"


class ConsoleDatabase:
    """Opens connections to one transcript database file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def prepare(self) -> None:
        """`prepare_async` for code outside an event loop (the CLI)."""
        from bot.store.migrations.upgrade import upgrade_now  # Alembic: only when used

        upgrade_now(self.path)

    async def prepare_async(self) -> None:
        """Create the file if needed and bring its schema up to date (as the bot does)."""
        from bot.store.migrations.upgrade import upgrade  # Alembic: only when used

        await upgrade(self.path)

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        db = queries.connect(self.path)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def writer(self) -> Iterator[sqlite3.Connection]:
        """A read-write connection; commits when the block ends without an error."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            with db:
                yield db

    def secret(self) -> str:
        """The session-signing key kept in the database, made on first use."""
        with self.writer() as db:
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (SECRET_KEY, secrets.token_urlsafe(32)),
            )
            return str(
                db.execute("SELECT value FROM meta WHERE key = ?", (SECRET_KEY,)).fetchone()[0]
            )

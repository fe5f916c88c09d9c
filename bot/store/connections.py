"""`Database`: how the console and the CLI reach the transcript database, SQLite file or
PostgreSQL server, through short sync transactions.

A reader can never change or lock the bot's data (SQLite: the file opened read-only;
PostgreSQL: read-only transactions). A writer commits when its block ends without an
error. The engines are made on first use and kept until `close()`.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DatabaseError, OperationalError

from bot.database_location import Location, is_postgresql, redacted
from bot.store.database import conflict_insert, sync_engine_for
from bot.store.migrations.revision import revision_of
from bot.store.tables import meta

# Schema v2 added messages.lang, which the recruiters' reads use.
MIN_SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000


class TranscriptsError(Exception):
    """A problem the recruiter can fix; the message says how."""


class DatabaseNotFound(TranscriptsError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No transcript database at {path}.\n"
            "Set BOT_DATABASE or pass --database PATH (the bot creates the file "
            "when it logs its first conversation)."
        )
        self.path = path


class NotATranscriptDatabase(TranscriptsError):
    def __init__(self, where: str, version: int) -> None:
        super().__init__(
            f"{where} is not a transcript database this tool can read "
            f"(schema version {version}, at least {MIN_SCHEMA_VERSION} needed). "
            "Starting the bot once (or `python -m bot db upgrade`) upgrades an older one."
        )


class DatabaseUnreachable(TranscriptsError):
    def __init__(self, where: str, error: Exception) -> None:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        super().__init__(f"Could not reach the transcript database at {where}: {reason}")


class Database:
    """Short transactions on the transcript database at one location."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self._engines: dict[bool, Engine] = {}
        self._made = threading.Lock()  # the console's pages run in threads
        self._checked = False

    @property
    def shown(self) -> str:
        """The location for people: the path, or the URL without its password."""
        return redacted(self.location)

    def close(self) -> None:
        with self._made:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def prepare(self) -> None:
        """Create the database if needed and bring its schema up to date (as the bot does)."""
        from bot.store.migrations.upgrade import upgrade_now  # Alembic: only when used

        upgrade_now(self.location)

    async def prepare_async(self) -> None:
        from bot.store.migrations.upgrade import upgrade  # Alembic: only when used

        await upgrade(self.location)

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """A read-only transaction; TranscriptsError if the database is missing or not one."""
        if not is_postgresql(self.location) and not Path(self.location).is_file():
            raise DatabaseNotFound(Path(self.location))
        try:
            connection = self._engine(read_only=True).connect()
        except OperationalError as exc:
            raise DatabaseUnreachable(self.shown, exc) from None
        with connection, connection.begin():
            if not self._checked:
                self._check_schema(connection)
                self._checked = True
            yield connection

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A read-write transaction; commits when the block ends without an error."""
        try:
            connection = self._engine(read_only=False).connect()
        except OperationalError as exc:
            raise DatabaseUnreachable(self.shown, exc) from None
        with connection, connection.begin():
            yield connection

    def ping(self) -> None:
        """An error unless the database answers a read."""
        with self.reader() as db:
            db.execute(select(1)).scalar_one()

    def meta_value(self, key: str) -> str:
        """The value kept under `key` in `meta`, made (random) on first use. If two
        processes race, both keep the first one stored."""
        with self.reader() as db:
            found = db.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        if found is not None:
            return str(found)
        with self.writer() as db:
            made = conflict_insert(db, meta).values(key=key, value=secrets.token_hex(16))
            db.execute(made.on_conflict_do_nothing(index_elements=["key"]))
            return str(db.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one())

    def _engine(self, *, read_only: bool) -> Engine:
        with self._made:
            if read_only not in self._engines:
                self._engines[read_only] = sync_engine_for(
                    self.location, read_only=read_only, busy_timeout_ms=BUSY_TIMEOUT_MS
                )
            return self._engines[read_only]

    def _check_schema(self, db: Connection) -> None:
        try:
            version = revision_of(db)
        except DatabaseError:  # "file is not a database"
            raise NotATranscriptDatabase(self.shown, 0) from None
        if version < MIN_SCHEMA_VERSION:
            raise NotATranscriptDatabase(self.shown, version)


@contextmanager
def reading(location: Location) -> Iterator[Connection]:
    """One read-only transaction on the database at `location` (a CLI command's read)."""
    database = Database(location)
    try:
        with database.reader() as db:
            yield db
    finally:
        database.close()


def check(location: Location) -> None:
    """TranscriptsError unless `location` holds a transcript database the tools can read."""
    with reading(location):
        pass

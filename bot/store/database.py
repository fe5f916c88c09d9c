"""The one way to open the transcript database: an async SQLAlchemy engine for a
location, which is a SQLite file's path or a PostgreSQL URL (`postgresql://...`).

SQLite (aiosqlite) is the embedded default: WAL, a busy timeout, and transactions that
take the write lock when they begin (BEGIN IMMEDIATE), so that two writers queue
instead of failing half-way through a transaction. PostgreSQL goes through asyncpg.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.database_location import Location, is_postgresql

BUSY_TIMEOUT_MS = 1000
# Execution options of a transaction that only reads: on SQLite it takes no write lock.
READ_ONLY = {"read_only": True}


def postgresql_url(location: str) -> str:
    """The URL with asyncpg as its driver, whatever driver it named."""
    url = make_url(location.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def engine_for(location: Location) -> AsyncEngine:
    """An engine on `location`. Creating it does no I/O."""
    if is_postgresql(location):
        return create_async_engine(postgresql_url(str(location)), pool_pre_ping=True)
    return sqlite_engine(Path(location))


def sqlite_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEngine:
    """An engine on the SQLite file at `path`. Creating it does no I/O."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    configure_sqlite(engine.sync_engine, busy_timeout_ms)
    return engine


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, the busy timeout, and BEGIN IMMEDIATE, on every connection of `engine`."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is off: see _begin
        cursor = dbapi_connection.cursor()
        for pragma in (
            f"busy_timeout = {busy_timeout_ms}",
            "journal_mode = WAL",
            "synchronous = NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # The write lock before any read, unless the transaction only reads (READ_ONLY).
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def conflict_insert(db: AsyncConnection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """INSERT with ON CONFLICT, which both dialects spell the same way."""
    return sqlite.insert(table) if db.dialect.name == "sqlite" else postgresql.insert(table)

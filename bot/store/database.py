"""The one way to open the transcript database: a SQLAlchemy engine for a location, which
is a SQLite file's path or a PostgreSQL URL (`postgresql://...`).

The bot writes through an async engine; the console and the CLI read and write through
a sync one (their pages and commands are sync). Both use the same driver per database:
SQLite (aiosqlite, or the stdlib's sqlite3) is the embedded default, with WAL, a busy
timeout, and transactions that take the write lock when they begin (BEGIN IMMEDIATE), so
that two writers queue instead of failing half-way through a transaction. PostgreSQL goes
through psycopg 3, which serves both.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.database_location import Location, is_postgresql
from bot.store.sql import is_sqlite

BUSY_TIMEOUT_MS = 1000
CONNECT_TIMEOUT_S = 5
# Execution options of a transaction that only reads: on SQLite it takes no write lock.
READ_ONLY = {"read_only": True}


def postgresql_url(location: str) -> str:
    """The URL with psycopg as its driver, whatever driver it named."""
    url = make_url(location.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def engine_for(location: Location) -> AsyncEngine:
    """An async engine on `location`. Creating it does no I/O."""
    if is_postgresql(location):
        return create_async_engine(postgresql_url(str(location)), pool_pre_ping=True)
    return sqlite_engine(Path(location))


def sqlite_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEngine:
    """An async engine on the SQLite file at `path`. Creating it does no I/O."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    configure_sqlite(engine.sync_engine, busy_timeout_ms)
    return engine


def sync_engine_for(
    location: Location, *, read_only: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """A sync engine on `location`, for the console and the CLI. `read_only`: its
    connections can never change the data (SQLite opens the file with mode=ro, so a
    reader never creates it nor takes a write lock; PostgreSQL runs read-only
    transactions)."""
    if is_postgresql(location):
        options: dict[str, Any] = {"postgresql_readonly": True} if read_only else {}
        # A page or a command waits for a lock as long as SQLite's busy timeout, then fails
        # clearly, rather than hanging behind a long migration or a stuck transaction.
        timeouts = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c lock_timeout={busy_timeout_ms}",
        }
        return create_engine(
            postgresql_url(str(location)),
            pool_pre_ping=True,
            execution_options=options,
            connect_args=timeouts,
        )
    path = Path(location).resolve()
    if read_only:
        engine = create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            poolclass=NullPool,
            execution_options=READ_ONLY,
        )
        _configure_reader(engine, busy_timeout_ms)
        return engine
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    configure_sqlite(engine, busy_timeout_ms)
    return engine


def _configure_reader(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


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


def conflict_insert(
    db: AsyncConnection | Connection, table: Table
) -> sqlite.Insert | postgresql.Insert:
    """INSERT with ON CONFLICT, which both dialects spell the same way."""
    return sqlite.insert(table) if is_sqlite(db) else postgresql.insert(table)

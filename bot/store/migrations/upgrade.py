"""Bring a transcript database to the latest schema with Alembic, safely beside others.

Every process that opens the database (the bot, a console, a CLI command) upgrades it
first. On SQLite the whole upgrade is one transaction that starts with BEGIN
IMMEDIATE: a second process waits for the write lock, then finds the work done.
Files written before Alembic carry their version in PRAGMA user_version (1 to 6);
revisions 0001 to 0006 are those versions, so such a file is stamped with its own and
upgraded from there, every row kept. Afterwards user_version holds a number no
pre-Alembic bot knows, so an older bot refuses the file instead of migrating it again.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.database_location import Location, is_postgresql
from bot.store.database import configure_sqlite, postgresql_url
from bot.store.migrations.revision import ALEMBIC_MANAGED, LEGACY_VERSIONS

HERE = Path(__file__).parent
BUSY_TIMEOUT_S = 30.0
MIGRATION_LOCK = 0x68697265  # PostgreSQL advisory lock key of upgrades ("hire")
# Alembic's `op` and `context` are module globals: one upgrade at a time per process.
_ALEMBIC = threading.Lock()


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a newer bot than this one."""

    def __init__(self, found: str) -> None:
        super().__init__(
            f"database schema {found} is newer than this bot (latest {head()}): "
            "run the newer version, or restore a backup"
        )
        self.found = found


@dataclass(frozen=True, slots=True)
class Upgraded:
    before: str | None  # None: a new database
    after: str


def head() -> str:
    """The latest revision this bot knows."""
    found = _scripts().get_current_head()
    assert found is not None
    return found


async def upgrade(location: Location, revision: str = "head") -> Upgraded:
    """Create or upgrade the database at `location` (to `revision`, for tests), in a
    worker thread. Raises sqlite3.Error (SQLite) or a SQLAlchemy DBAPIError (PostgreSQL)
    when it can't be upgraded, SchemaTooNew when it is too new."""
    return await asyncio.to_thread(upgrade_now, location, revision)


def upgrade_now(location: Location, revision: str = "head") -> Upgraded:
    """`upgrade`, blocking: for code outside an event loop."""
    with _ALEMBIC:
        if is_postgresql(location):
            return asyncio.run(_upgrade_postgresql(str(location), revision))
        return _upgrade_sqlite(Path(location), revision)


def _upgrade_sqlite(path: Path, revision: str) -> Upgraded:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    configure_sqlite(engine, int(BUSY_TIMEOUT_S * 1000))
    try:
        with engine.begin() as connection:  # BEGIN IMMEDIATE: one upgrader at a time
            return _upgrade(connection, revision)
    except DBAPIError as exc:  # the driver's own error, as the store's callers expect
        if isinstance(exc.orig, sqlite3.Error):
            raise exc.orig from exc
        raise
    finally:
        engine.dispose()


async def _upgrade_postgresql(location: str, revision: str) -> Upgraded:
    engine = create_async_engine(postgresql_url(location))
    try:
        async with engine.begin() as connection:
            # One upgrader at a time, whichever replica or command starts first.
            await connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            return await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, revision: str) -> Upgraded:
    before = MigrationContext.configure(connection).get_current_revision()
    if before is None:
        legacy = _user_version(connection)
        before = f"{legacy:04d}" if 0 < legacy <= LEGACY_VERSIONS else None
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_MANAGED}")
    after = MigrationContext.configure(connection).get_current_revision()
    assert after is not None
    return Upgraded(before, after)


def refuse_unknown_revision(migration: MigrationContext, scripts: ScriptDirectory) -> None:
    """A revision this bot doesn't have was written by a newer one: change nothing."""
    current = migration.get_current_revision()
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise SchemaTooNew(current)
    legacy = _user_version(migration.connection) if current is None else 0
    if legacy > LEGACY_VERSIONS and legacy != ALEMBIC_MANAGED:
        raise SchemaTooNew(f"v{legacy}")


def adopt_legacy_version(migration: MigrationContext, scripts: ScriptDirectory) -> None:
    """A file from before Alembic: stamp the revision its user_version names."""
    if migration.get_current_revision() is None:
        legacy = _user_version(migration.connection)
        if 0 < legacy <= LEGACY_VERSIONS:
            migration.stamp(scripts, f"{legacy:04d}")


def _user_version(connection: Connection | None) -> int:
    """SQLite's pre-Alembic schema version; 0 elsewhere."""
    assert connection is not None
    if connection.dialect.name != "sqlite":
        return 0
    return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())

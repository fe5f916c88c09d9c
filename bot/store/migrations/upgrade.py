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
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import DBAPIError

from bot.store.migrations.revision import ALEMBIC_MANAGED, LEGACY_VERSIONS

HERE = Path(__file__).parent
BUSY_TIMEOUT_S = 30.0
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


async def upgrade(path: Path, revision: str = "head") -> Upgraded:
    """Create or upgrade the SQLite file at `path` (to `revision`, for tests), in a worker
    thread. Raises sqlite3.Error when the file can't be upgraded, SchemaTooNew when it is
    too new."""
    return await asyncio.to_thread(upgrade_now, path, revision)


def upgrade_now(path: Path, revision: str = "head") -> Upgraded:
    """`upgrade`, blocking: for code outside an event loop."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is off: see _begin
        dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock before any read

    try:
        with _ALEMBIC, engine.begin() as connection:
            return _upgrade(connection, revision)
    except DBAPIError as exc:  # the driver's own error, as the store's callers expect
        if isinstance(exc.orig, sqlite3.Error):
            raise exc.orig from exc
        raise
    finally:
        engine.dispose()


def _upgrade(connection: Connection, revision: str) -> Upgraded:
    before = MigrationContext.configure(connection).get_current_revision()
    if before is None:
        legacy = _user_version(connection)
        before = f"{legacy:04d}" if 0 < legacy <= LEGACY_VERSIONS else None
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
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
    assert connection is not None
    return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())

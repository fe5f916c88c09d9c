"""bot.store.tables (what the queries use) is the schema the migrations build, on SQLite
(revisions 1 to 6) and on PostgreSQL (revision 7)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine

from bot.store.database import engine_for
from bot.store.migrations.upgrade import upgrade, upgrade_now
from bot.store.tables import metadata


def ours(name: str | None, kind: str, parent: Any) -> bool:
    """The full-text search index (FTS5's own tables on SQLite, a GIN index on PostgreSQL)
    and Alembic's table are not the application's."""
    if kind == "index":
        return name != "messages_words"
    return not (kind == "table" and (name or "").startswith(("messages_fts", "alembic")))


def differences(path: Path) -> list[Any]:
    engine = create_engine(f"sqlite:///{path}")

    try:
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLite can't reflect the expression index messages_by_day: compared below.
            warnings.simplefilter("ignore")
            context = MigrationContext.configure(
                connection, opts={"include_name": ours, "compare_type": False}
            )
            found = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    return [d for d in found if not _sqlite_quirk(d)]


def _sqlite_quirk(difference: Any) -> bool:
    """SQLite reports a primary key column as nullable (it lets a TEXT PRIMARY KEY hold
    NULL), and a server default as the text it was written with."""
    if not isinstance(difference, list):
        return False
    kind, _, table, column, _, _, declared = difference[0]
    primary = metadata.tables[table].c[column].primary_key
    return (kind == "modify_nullable" and primary and declared is False) or kind == "modify_default"


def test_the_tables_match_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    upgrade_now(path)
    assert differences(path) == []


def test_a_drifted_table_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    upgrade_now(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE messages ADD COLUMN mood TEXT")
        connection.exec_driver_sql("DROP INDEX messages_by_lang")
    engine.dispose()
    found = differences(path)
    assert ("remove_column", None, "messages") in {d[:3] for d in found if isinstance(d, tuple)}
    assert any(isinstance(d, tuple) and d[0] == "add_index" for d in found)


async def test_the_tables_match_the_postgresql_schema(postgresql_database: str) -> None:
    """Types compared too, and the expression index: PostgreSQL reflects both."""
    await upgrade(postgresql_database)
    engine = engine_for(postgresql_database)

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": ours},
        )
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(compare) == []
    finally:
        await engine.dispose()

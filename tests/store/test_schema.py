"""Versioned migrations upgrade older files in place; WAL and a busy timeout are set."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from bot.store.schema import MIGRATIONS
from tests.store.conftest import query

AT = "2030-01-01T09:00:00.000+00:00"  # recent enough never to be purged


def make_v1_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO candidates VALUES ('t:1', 't', '1', 'Ada', 'ada', 'en', ?, ?)", (AT, AT)
        )
        db.execute("INSERT INTO conversations VALUES ('c1', 't:1', 'job', 'open', ?, ?)", (AT, AT))
        db.executemany(
            "INSERT INTO messages VALUES (?, 'c1', 't:1', ?, ?, 't', ?, '', NULL, NULL, NULL, ?)",
            [(f"m{i}", i, "in" if i % 2 else "out", f"text {i}", AT) for i in range(1, 5)],
        )
        db.execute("INSERT INTO feedback VALUES ('m2', 't:1', 1, ?)", (AT,))
        db.commit()


async def test_a_version_1_file_is_upgraded_in_place_with_its_data(db_path: Path) -> None:
    make_v1_database(db_path)
    assert "lang" not in {row[1] for row in query(db_path, "PRAGMA table_info(messages)")}

    async with TranscriptStore(db_path) as store:
        assert store.healthy
        log = ConversationLog(store, "t", "2", "job")
        log.incoming("bonjour", lang="fr")

    assert query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert "lang" in {row[1] for row in query(db_path, "PRAGMA table_info(messages)")}
    assert query(db_path, "SELECT id, seq, text, lang FROM messages WHERE conversation = 'c1'") == [
        (f"m{i}", i, f"text {i}", None) for i in range(1, 5)
    ]
    assert query(db_path, "SELECT text, lang FROM messages WHERE conversation != 'c1'") == [
        ("bonjour", "fr")
    ]
    assert query(db_path, "SELECT key, display_name FROM candidates ORDER BY key") == [
        ("t:1", "Ada"),
        ("t:2", None),
    ]
    assert query(db_path, "SELECT * FROM feedback") == [("m2", "t:1", 1, AT)]
    indexes = {name for (name,) in query(db_path, "SELECT name FROM sqlite_master")}
    assert {"messages_by_time", "messages_by_outcome", "conversations_by_activity"} <= indexes


async def test_a_new_file_is_created_at_the_latest_version_in_wal_mode(db_path: Path) -> None:
    async with TranscriptStore(db_path) as store:
        assert store._db is not None
        async with store._db.execute("PRAGMA busy_timeout") as cursor:
            assert (await cursor.fetchone())[0] > 0
    assert query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_a_file_from_a_newer_bot_is_refused_and_left_at_its_version(db_path: Path) -> None:
    make_v1_database(db_path)
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await TranscriptStore(db_path).open()
    assert "lang" not in {row[1] for row in query(db_path, "PRAGMA table_info(messages)")}
    assert query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS) + 1,)]


async def test_a_conversation_keeps_its_earliest_start_whatever_the_write_order(
    db_path: Path,
) -> None:
    from bot.store import ConversationState, TranscriptStore

    async with TranscriptStore(db_path) as store:
        # The status change arrives first, as after a spill-file replay.
        store.record(ConversationState("c1", "t:a", "p", "closed", "2026-11-27T10:02:00.000+00:00"))
        assert await store.flush()
        store.record(ConversationState("c1", "t:a", "p", "open", "2026-11-27T10:00:00.000+00:00"))
    assert query(db_path, "SELECT status, started_at, last_activity_at FROM conversations") == [
        ("closed", "2026-11-27T10:00:00.000+00:00", "2026-11-27T10:02:00.000+00:00")
    ]


async def test_concurrent_migrations_wait_for_each_other(db_path: Path) -> None:
    """The bot and a console (or two) opening a new file at once: one migrates each step,
    the others wait for its lock and find the step done."""
    import asyncio

    import aiosqlite

    from bot.store.schema import SCHEMA_VERSION, migrate

    async def open_and_migrate() -> int:
        async with aiosqlite.connect(db_path) as db:
            await db.execute("PRAGMA busy_timeout = 10000")
            return await migrate(db)

    found = await asyncio.gather(*(open_and_migrate() for _ in range(4)))
    assert all(version <= SCHEMA_VERSION for version in found)
    assert query(db_path, "PRAGMA user_version")[0][0] == SCHEMA_VERSION
    names = [row[0] for row in query(db_path, "SELECT name FROM sqlite_master")]
    assert len(names) == len(set(names))  # nothing created twice
    assert "messages_fts" in names and "audit_log" in names

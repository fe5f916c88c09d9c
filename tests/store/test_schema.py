"""Alembic migrations: a file written by v1 upgrades in place with every row kept, new
files start at the head in WAL mode, a newer file is refused, and several processes
upgrading one file at once wait for each other."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.connections import reading
from bot.store.conversation import ConversationLog
from bot.store.migrations.revision import revision_of
from bot.store.migrations.upgrade import SchemaTooNew, head, upgrade
from tests.conftest import ROOT, run_bot
from tests.store.conftest import query, revision

# Written by the v1 bot (commit c014014, schema v5): a terminal chat of five questions
# in three languages, a console admin with a review, a note and audit rows.
V1_DATABASE = Path(__file__).parents[1] / "data" / "v1-bot.sqlite3"
TABLES = (
    "candidates",
    "conversations",
    "messages",
    "feedback",
    "console_users",
    "conversation_reviews",
    "conversation_notes",
    "audit_log",
)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    return {t: query(path, f"SELECT * FROM {t} ORDER BY rowid") for t in TABLES}


@pytest.fixture
def v1_copy(db_path: Path) -> Path:
    shutil.copyfile(V1_DATABASE, db_path)
    return db_path


async def test_a_file_written_by_v1_is_upgraded_in_place_with_every_row(v1_copy: Path) -> None:
    before = dump(v1_copy)
    assert query(v1_copy, "PRAGMA user_version") == [(5,)]
    assert len(before["messages"]) == 10 and len(before["console_users"]) == 1

    async with TranscriptStore(v1_copy) as store:
        assert store.healthy
        ConversationLog(store, "t", "2", "job").incoming("bonjour", lang="fr")

    assert revision(v1_copy) == head()
    after = dump(v1_copy)
    assert after["messages"][: len(before["messages"])] == before["messages"]
    assert after["messages"][-1][6] == "bonjour"
    for table in TABLES:
        if table not in ("messages", "candidates", "conversations"):
            assert after[table] == before[table], table
    # v6's tables exist and v1's search index still finds v1's messages.
    tables = {name for (name,) in query(v1_copy, "SELECT name FROM sqlite_master")}
    assert {"console_visits", "recruiter_replies"} <= tables
    hits = query(v1_copy, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'remote'")
    assert hits[0][0] >= 1
    # The recruiters' tools read it.
    with reading(v1_copy) as db:
        assert revision_of(db) == int(head())


async def test_an_upgrade_is_reported_and_the_second_does_nothing(v1_copy: Path) -> None:
    first = await upgrade(v1_copy)
    second = await upgrade(v1_copy)
    assert (first.before, first.after) == ("0005", head())
    assert (second.before, second.after) == (head(), head())


async def test_a_pre_alembic_bot_refuses_an_upgraded_file(v1_copy: Path) -> None:
    """user_version is past any pre-Alembic version, so an old bot says "newer"."""
    await upgrade(v1_copy)
    (version,) = query(v1_copy, "PRAGMA user_version")[0]
    assert version > 6


async def test_a_new_file_is_created_at_the_head_in_wal_mode(db_path: Path) -> None:
    async with TranscriptStore(db_path) as store, store.engine.connect() as db:
        assert (await db.exec_driver_sql("PRAGMA busy_timeout")).scalar_one() > 0
    assert revision(db_path) == head()
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.parametrize("newer", ["alembic", "legacy"])
async def test_a_file_from_a_newer_bot_is_refused_and_left_as_it_was(
    v1_copy: Path, newer: str
) -> None:
    with closing(sqlite3.connect(v1_copy)) as db, db:
        if newer == "alembic":
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            db.execute("INSERT INTO alembic_version VALUES ('9999')")
        else:
            db.execute("PRAGMA user_version = 7")
    before = dump(v1_copy)
    with pytest.raises(SchemaTooNew, match="newer than this bot"):
        await TranscriptStore(v1_copy).open()
    assert dump(v1_copy) == before
    tables = {name for (name,) in query(v1_copy, "SELECT name FROM sqlite_master")}
    assert "console_visits" not in tables


async def test_a_file_that_is_not_a_database_raises_sqlite_error(db_path: Path) -> None:
    db_path.write_text("not a database " * 100)
    with pytest.raises(sqlite3.DatabaseError):
        await upgrade(db_path)


async def test_a_conversation_keeps_its_earliest_start_whatever_the_write_order(
    db_path: Path,
) -> None:
    from bot.store import ConversationState

    async with TranscriptStore(db_path) as store:
        # The status change arrives first, as after a spill-file replay.
        store.record(ConversationState("c1", "t:a", "p", "closed", "2026-11-27T10:02:00.000+00:00"))
        assert await store.flush()
        store.record(ConversationState("c1", "t:a", "p", "open", "2026-11-27T10:00:00.000+00:00"))
    assert query(db_path, "SELECT status, started_at, last_activity_at FROM conversations") == [
        ("closed", "2026-11-27T10:00:00.000+00:00", "2026-11-27T10:02:00.000+00:00")
    ]


async def test_concurrent_upgrades_wait_for_each_other(v1_copy: Path, db_path: Path) -> None:
    """The bot and consoles opening files at once: one upgrades, the others wait for its
    lock and find the work done (a new file and the v1 file, four openers each)."""
    new = db_path.with_name("new.sqlite3")
    done = await asyncio.gather(*(upgrade(path) for path in (new, v1_copy) for _ in range(4)))
    assert {d.after for d in done} == {head()}
    assert sum(d.before is None for d in done[:4]) == 1  # one created it
    assert sum(d.before == "0005" for d in done[4:]) == 1  # one upgraded it
    for path in (new, v1_copy):
        names = [row[0] for row in query(path, "SELECT name FROM sqlite_master")]
        assert len(names) == len(set(names))  # nothing created twice
        assert "messages_fts" in names and "recruiter_replies" in names
        assert query(path, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_the_upgrade_command(v1_copy: Path, tmp_path: Path) -> None:
    env = {"BOT_DATABASE": str(v1_copy)}
    first = run_bot("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert f"revision 0005 -> {head()}" in first.stdout
    again = run_bot("db", "upgrade", env=env)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    broken = tmp_path / "notes.sqlite3"
    broken.write_text("meeting notes " * 200)
    refused = run_bot("db", "upgrade", "--database", str(broken), env={})
    assert refused.returncode == 1 and "Upgrade failed: file is not a database" in refused.stderr


def test_replicas_upgrading_one_postgresql_database_at_once(postgresql_database: str) -> None:
    """Three processes (pods, say) run `db upgrade` at once: the advisory lock lets one
    build the schema; the others wait for it and find nothing to do."""
    env = {**os.environ, "BOT_DATABASE": postgresql_database}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in started]
    assert [p.returncode for p in started] == [0, 0, 0], outputs
    said = sorted(out for out, _ in outputs)
    assert sum(f"revision none -> {head()}" in out for out in said) == 1, said
    assert sum("nothing to do" in out for out in said) == 2, said
    assert query(postgresql_database, "SELECT version_num FROM alembic_version") == [(head(),)]

"""`db backup` while the bot writes, and `db restore` only when it is stopped."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.backup import BackupError, backup, integrity, restore
from bot.store.conversation import ConversationLog
from tests.conftest import run_bot


def count(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        db.close()


async def test_a_backup_under_write_load_is_consistent_and_holds_the_rows(tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    store = TranscriptStore(database, batch_window_s=0.005, batch_size=50)
    await store.open()
    log = ConversationLog(store, "test", "load", "posting")
    writing = True

    async def candidates() -> None:
        n = 0
        while writing:
            for _ in range(20):
                log.outgoing(f"message {n}", "answer")
                n += 1
            await asyncio.sleep(0.001)

    writer = asyncio.create_task(candidates())
    try:
        await asyncio.sleep(0.3)
        stored_before = count(database)
        assert stored_before > 0
        dest = tmp_path / "backups" / "bot-copy.sqlite3"
        copied = await asyncio.to_thread(backup, database, dest)  # the bot keeps writing
        assert store.healthy, "the backup held the writers off"
    finally:
        writing = False
        await writer
        await store.close()
    assert integrity(dest) == "ok"
    assert copied == count(dest) >= stored_before
    assert count(database) > copied  # writes went on during and after the copy
    seqs = [r[0] for r in sqlite3.connect(dest).execute("SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))  # a snapshot, not a torn copy


async def test_restore_refuses_while_the_database_is_in_use(tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    async with TranscriptStore(database) as store:
        ConversationLog(store, "test", "a", "posting").outgoing("hello", "answer")
    copy = tmp_path / "copy.sqlite3"
    backup(database, copy)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a running bot writing
    try:
        with pytest.raises(BackupError, match="stop the bot first"):
            restore(copy, database)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    fresh = tmp_path / "restored.sqlite3"
    assert restore(copy, fresh) == 1 and integrity(fresh) == "ok"


def test_backup_refuses_to_overwrite_and_a_corrupt_backup_is_not_restored(tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE messages (id)").connection.commit()
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"")
    with pytest.raises(BackupError, match="exists"):
        backup(database, existing)
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        restore(corrupt, tmp_path / "target.sqlite3")


def test_cli(tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE messages (id)").connection.commit()
    made = run_bot("db", "backup", str(tmp_path / "b.sqlite3"), env={"BOT_DATABASE": str(database)})
    assert made.returncode == 0 and "integrity ok, 0 messages" in made.stdout
    again = run_bot(
        "db", "backup", str(tmp_path / "b.sqlite3"), env={"BOT_DATABASE": str(database)}
    )
    assert again.returncode == 1 and "exists" in again.stderr

"""The database refuses writes (locked, read-only, disk full): answers go on, no row is lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.database_location import Location
from bot.store import ConversationState, TranscriptStore
from bot.store.conversation import ConversationLog
from bot.store.events import from_json, now
from tests.store.conftest import (
    Faults,
    count,
    query,
    spill_lines,
    wait_until,
)

# Holds the write lock until the test writes a line (or closes stdin), at most 30 s.
LOCK_HOLDER = """
import select, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
select.select([sys.stdin], [], [], 30)
db.execute("ROLLBACK")
"""


def log_burst(log: ConversationLog, start: int, n: int) -> list[float]:
    """Log n messages; returns how long each record() call took, in seconds."""
    took = []
    for i in range(start, start + n):
        begin = time.perf_counter()
        log.incoming(f"question {i}")
        took.append(time.perf_counter() - begin)
    return took


async def test_locked_database_keeps_record_fast_and_loses_nothing(db_path: Path) -> None:
    store = TranscriptStore(db_path, batch_window_s=0.01)
    await store.open()
    log = ConversationLog(store, "test", "locked", "posting")
    log_burst(log, 1, 100)
    assert await store.flush()
    assert count(db_path, "messages") == 100

    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdin
        assert holder.stdout.readline() == "locked\n"
        locked_at = time.monotonic()
        took = log_burst(log, 101, 1000)
        # The writer waits out the busy timeout, fails and keeps the rows.
        await wait_until(lambda: not store.healthy)
        following = 1101
        while time.monotonic() - locked_at < 5.0:  # the lock lasts 5 s; candidates go on
            took += log_burst(log, following, 50)
            following += 50
            await asyncio.sleep(0.1)
        assert count(db_path, "messages") == 100  # the lock really kept the writer out
        assert store.pending == following - 101 and store.spilled == 0
        holder.stdin.write("release\n")
        holder.stdin.flush()
        assert holder.wait(timeout=10) == 0
    finally:
        holder.kill()
        holder.wait()

    await wait_until(lambda: store.pending == 0 and store.healthy)
    await store.close()
    # record() never waits for the database (its busy timeout alone is 1 s). The bounds
    # are loose on purpose: CI machines are shared; benchmarks/ has the real figures.
    assert max(took) < 0.5, f"slowest record() took {max(took) * 1000:.1f} ms"
    assert sorted(took)[len(took) // 2] < 0.01
    seqs = [seq for (seq,) in query(db_path, "SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, following))
    assert not store.spill_path.exists()


async def query_only(store: TranscriptStore, on: bool) -> None:
    """SQLite's own refusal to write, on every connection the store's writer uses."""

    def apply(dbapi_connection: Any, record: object = None) -> None:
        dbapi_connection.cursor().execute(f"PRAGMA query_only = {int(on)}")

    async with store._lock:  # between two of the writer's transactions
        event.listen(store.engine.sync_engine, "connect", apply)
        await store.engine.dispose()  # new connections, each with the pragma


async def test_read_only_database_keeps_rows_until_it_accepts_them(db_path: Path) -> None:
    store = TranscriptStore(db_path, batch_window_s=0.01, buffer_limit=300)
    await store.open()
    log = ConversationLog(store, "test", "readonly", "posting")
    assert await store.flush()
    await query_only(store, True)

    for i in range(1, 501):
        log.incoming(f"question {i}")
    await wait_until(lambda: not store.healthy)
    assert count(db_path, "messages") == 0
    assert store.pending == 300  # the buffer is full ...
    assert len(spill_lines(store)) == store.spilled == 200  # ... and the rest spilled

    await query_only(store, False)
    await wait_until(lambda: store.pending == 0 and store.healthy)
    assert count(db_path, "messages") == 300  # the buffered rows, stored in the same run
    await store.close()

    async with TranscriptStore(db_path) as reopened:  # the spilled rows, at the next start
        assert reopened.healthy
    seqs = [seq for (seq,) in query(db_path, "SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, 501))
    assert not store.spill_path.exists()


async def test_disk_full_spills_and_the_next_start_replays_exactly_once(
    database: Location, faults: Faults
) -> None:
    store = faults.attach(
        TranscriptStore(database, batch_size=20, batch_window_s=0.01, buffer_limit=50)
    )
    await store.open()
    faults.disk_full = True
    log = ConversationLog(store, "test", "full", "posting")
    answers = [log.outgoing(f"answer {i}", "answer") for i in range(1, 149)]
    log.feedback(answers[0], helpful=True)  # 2 + 148 + 1 = 151 events
    await wait_until(lambda: not store.healthy)
    assert store.pending == 50
    assert len(spill_lines(store)) == store.spilled == 101

    await store.close()  # still full: close spills the buffer too
    assert len(spill_lines(store)) == store.spilled == 151
    assert count(database, "messages") == 0
    spilled = store.spill_path.read_text(encoding="utf-8")

    async with TranscriptStore(database) as first:
        assert first.healthy
    assert not store.spill_path.exists()
    before = [count(database, t) for t in ("candidates", "conversations", "messages", "feedback")]
    assert before == [1, 1, 148, 1]

    store.spill_path.write_text(spilled, encoding="utf-8")  # replay the same rows again
    async with TranscriptStore(database):
        pass
    after = [count(database, t) for t in ("candidates", "conversations", "messages", "feedback")]
    assert after == before
    texts = [t for (t,) in query(database, "SELECT text FROM messages ORDER BY seq")]
    assert texts == [f"answer {i}" for i in range(1, 149)]


async def test_a_cut_last_spill_line_is_skipped_and_the_rest_replayed(database: Location) -> None:
    store = TranscriptStore(database, batch_window_s=60, batch_size=10_000, buffer_limit=0)
    await store.open()
    log = ConversationLog(store, "test", "cut", "posting")  # buffer_limit 0: all spill
    for i in range(1, 11):
        log.incoming(f"question {i}")
    await store.close()
    whole = store.spill_path.read_text(encoding="utf-8")
    # A crash in the middle of writing an eleventh line:
    store.spill_path.write_text(whole + whole.splitlines()[-1][:40], encoding="utf-8")

    async with TranscriptStore(database):
        pass
    assert [s for (s,) in query(database, "SELECT seq FROM messages ORDER BY seq")] == list(
        range(1, 11)
    )
    assert count(database, "conversations") == 1
    assert not store.spill_path.exists()


async def test_rows_spilled_after_a_cut_line_are_not_swallowed_by_it(
    database: Location, faults: Faults
) -> None:
    async with TranscriptStore(database, buffer_limit=0) as first:
        log = ConversationLog(first, "test", "cut", "posting")
        log.incoming("question 1")
    cut = first.spill_path.read_text(encoding="utf-8").splitlines()[-1][:40]
    first.spill_path.write_text(first.spill_path.read_text(encoding="utf-8") + cut)

    # The disk is still full at the next start: nothing is replayed, more rows spill.
    faults.disk_full = True
    second = faults.attach(TranscriptStore(database, buffer_limit=0))
    await second.open()
    assert not second.healthy
    log = ConversationLog(second, "test", "after-cut", "posting")
    log.incoming("question 2")
    await second.close()

    async with TranscriptStore(database):
        pass
    assert [t for (t,) in query(database, "SELECT text FROM messages ORDER BY text")] == [
        "question 1",
        "question 2",
    ]
    assert count(database, "candidates") == 2 and count(database, "conversations") == 2


async def test_rows_spilled_during_a_replay_are_kept(database: Location, faults: Faults) -> None:
    # The database is unavailable at start; rows fill the buffer and spill.
    faults.disk_full = True
    store = faults.attach(TranscriptStore(database, batch_window_s=0.01, buffer_limit=10))
    await store.open()
    log = ConversationLog(store, "test", "replay", "posting")
    for i in range(1, 31):
        log.incoming(f"question {i}")
    assert len(spill_lines(store)) == 22
    # It comes back; the writer replays the spill file, and is slow about it.
    faults.hold_writes = True
    faults.disk_full = False
    await asyncio.wait_for(faults.entered.wait(), timeout=10)
    for i in range(31, 41):
        log.incoming(f"question {i}")  # the buffer is still full: these spill too
    faults.hold_writes = False
    faults.release.set()
    await wait_until(lambda: store.healthy and store.pending == 0)
    await store.close()

    async with TranscriptStore(database):
        pass
    seqs = [seq for (seq,) in query(database, "SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, 41))


async def test_a_replayed_older_status_or_vote_does_not_undo_a_newer_one(
    database: Location, faults: Faults
) -> None:
    store = faults.attach(TranscriptStore(database, batch_window_s=0.01, buffer_limit=2))
    await store.open()
    faults.disk_full = True
    ConversationLog(store, "test", "first", "posting")  # fills the buffer
    log = ConversationLog(store, "test", "second", "posting")  # spilled: open
    answer = log.outgoing("an answer", "answer")
    log.feedback(answer, helpful=False)  # spilled
    assert len(spill_lines(store)) == 4
    faults.disk_full = False
    await wait_until(lambda: store.healthy and store.pending == 0)
    spilled_at = from_json(spill_lines(store)[-1]).at
    await wait_until(lambda: now() > spilled_at)  # stored times have millisecond resolution
    log.set_status("handed_off")  # stored now, before the spill file is replayed
    log.feedback(answer, helpful=True)
    await store.close()

    async with TranscriptStore(database):  # replays the older rows
        pass
    assert query(database, "SELECT status FROM conversations WHERE id = ?", log.id) == [
        ("handed_off",)
    ]
    assert query(database, "SELECT helpful FROM feedback WHERE message = ?", answer) == [(1,)]
    assert count(database, "messages") == 1


async def test_flush_keeps_its_deadline(database: Location, faults: Faults) -> None:
    store = faults.attach(TranscriptStore(database, batch_window_s=3600))
    await store.open()
    ConversationLog(store, "test", "flush", "posting")
    assert await asyncio.wait_for(store.flush(timeout_s=5), timeout=5)  # written on demand
    faults.disk_full = True
    ConversationLog(store, "test", "flush", "posting")
    begin = time.monotonic()
    assert not await asyncio.wait_for(store.flush(timeout_s=0.2), timeout=5)
    assert time.monotonic() - begin < 2
    faults.disk_full = False
    await store.close()
    assert count(database, "conversations") == 2


async def test_a_row_the_schema_refuses_is_set_aside_and_the_rest_stored(
    database: Location,
) -> None:
    store = TranscriptStore(database, batch_window_s=0.01)
    await store.open()
    log = ConversationLog(store, "test", "poison", "posting")
    log.incoming("before")
    log.set_status("archived")  # not a status the schema allows: it can never be stored
    log.incoming("after")
    await wait_until(lambda: store.pending == 0)
    assert store.healthy
    await store.close()

    assert [t for (t,) in query(database, "SELECT text FROM messages ORDER BY seq")] == [
        "before",
        "after",
    ]
    assert query(database, "SELECT status FROM conversations") == [("open",)]
    assert not store.spill_path.exists()
    [line] = store.rejected_path.read_text(encoding="utf-8").splitlines()
    assert from_json(line) == ConversationState(
        log.id, log.candidate, "posting", "archived", from_json(line).at
    )
    assert store.rejected == 1 and store.written == 4

    async with TranscriptStore(database) as reopened:  # the set-aside row is erasable too
        await reopened.erase_candidate(log.candidate)
    assert store.rejected_path.read_text(encoding="utf-8") == ""
    assert count(database, "messages") == 0


async def test_a_last_line_cut_inside_a_character_does_not_stop_the_start(
    database: Location,
) -> None:
    async with TranscriptStore(database, buffer_limit=0) as store:
        log = ConversationLog(store, "test", "cut", "posting")
        log.incoming("télétravail ?")
        log.incoming("télétravail !")
    data = store.spill_path.read_bytes()
    cut = data.rindex("é".encode()) + 1  # in the middle of the last "é"
    store.spill_path.write_bytes(data[:cut])

    async with TranscriptStore(database) as reopened:
        assert reopened.healthy
    assert query(database, "SELECT text FROM messages") == [("télétravail ?",)]
    assert not store.spill_path.exists()


async def test_an_impossible_database_path_does_not_stop_the_bot(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    store = TranscriptStore(blocker / "bot.sqlite3", batch_window_s=0.01)
    await store.open()  # logs the error, does not raise
    log = ConversationLog(store, "test", "nowhere", "posting")
    log.outgoing("kept", "answer")
    assert not store.healthy
    await store.close()
    # Nowhere to keep the row either: that is said loudly, not silently dropped.
    assert "transcript store unavailable" in caplog.text
    assert "cannot keep 3 transcript rows" in caplog.text  # candidate, conversation, message

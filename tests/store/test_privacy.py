"""Erasing a candidate and purging old conversations reach every copy of a row."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bot.database_location import Location
from bot.runtime import retention
from bot.store import (
    CandidateSeen,
    ConversationState,
    FeedbackGiven,
    MessageLogged,
    TranscriptStore,
)
from bot.store.conversation import ConversationLog
from bot.store.store import RETENTION_LOCK
from tests.store.conftest import Faults, count, query, spill_lines, wait_until

TABLES = {"candidates": "key", "conversations": "candidate", "messages": "candidate"}


def rows_of(database: Location, candidate: str) -> dict[str, int]:
    found = {
        table: query(database, f"SELECT count(*) FROM {table} WHERE {column} = ?", candidate)[0][0]
        for table, column in TABLES.items()
    }
    found["feedback"] = query(
        database, "SELECT count(*) FROM feedback WHERE candidate = ?", candidate
    )[0][0]
    return found


async def test_erase_reaches_stored_buffered_and_spilled_rows(database: Location) -> None:
    # The writer only writes when asked, and the buffer holds 20 rows: the rest spill.
    store = TranscriptStore(database, batch_size=10_000, batch_window_s=3600, buffer_limit=20)
    await store.open()
    ada = ConversationLog(store, "test", "ada", "posting")
    bob = ConversationLog(store, "test", "bob", "posting")
    for log in (ada, bob):
        log.feedback(log.outgoing("stored", "answer"), helpful=True)
    assert await asyncio.wait_for(store.flush(), timeout=10)
    assert rows_of(database, ada.candidate) == {
        "candidates": 1,
        "conversations": 1,
        "messages": 1,
        "feedback": 1,
    }
    for i in range(20):
        for log in (ada, bob):
            log.incoming(f"later {i}")
    assert any(ada.candidate in line for line in spill_lines(store))
    assert store.pending == 20

    removed = await store.erase_candidate(ada.candidate)

    assert removed == 4  # the stored rows; buffered and spilled ones are dropped too
    assert store.pending == 10
    assert spill_lines(store) and not any(ada.candidate in line for line in spill_lines(store))
    await store.close()
    async with TranscriptStore(database):  # replays what bob spilled
        pass
    assert rows_of(database, ada.candidate) == dict.fromkeys(
        ("candidates", "conversations", "messages", "feedback"), 0
    )
    assert rows_of(database, bob.candidate) == {
        "candidates": 1,
        "conversations": 1,
        "messages": 21,
        "feedback": 1,
    }


async def test_erase_while_a_batch_is_being_written_loses_no_one_else(
    database: Location, faults: Faults
) -> None:
    store = faults.attach(TranscriptStore(database, batch_size=10, batch_window_s=0.01))
    await store.open()
    faults.hold_writes = True  # the writer will stop inside its next transaction
    ada = ConversationLog(store, "test", "ada", "posting")
    bob = ConversationLog(store, "test", "bob", "posting")
    for i in range(20):
        ada.incoming(f"ada {i}")
        bob.incoming(f"bob {i}")
    await asyncio.wait_for(faults.entered.wait(), timeout=10)  # 10 rows in flight

    erase = asyncio.create_task(store.erase_candidate(ada.candidate))
    # The erase drops ada's buffered rows at once, then waits for the writer's transaction.
    await wait_until(lambda: store.pending == 22)
    assert not erase.done()
    faults.hold_writes = False
    faults.release.set()
    await erase
    await store.close()

    assert rows_of(database, ada.candidate) == dict.fromkeys(
        ("candidates", "conversations", "messages", "feedback"), 0
    )
    texts = [t for (t,) in query(database, "SELECT text FROM messages ORDER BY seq")]
    assert texts == [f"bob {i}" for i in range(20)]
    assert count(database, "conversations") == 1


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")


def conversation(candidate: str, conversation_id: str, at: str) -> list:
    """A candidate, a conversation, two messages and a vote, all at time `at`."""
    return [
        CandidateSeen(candidate, "test", candidate, None, None, None, at),
        ConversationState(conversation_id, candidate, "posting", "closed", at),
        *(
            MessageLogged(
                f"{conversation_id}-{seq}",
                conversation_id,
                candidate,
                seq,
                "in",
                "test",
                "hello",
                (),
                None,
                None,
                None,
                None,
                at,
            )
            for seq in (1, 2)
        ),
        FeedbackGiven(f"{conversation_id}-2", candidate, True, at),
    ]


async def test_purge_removes_old_conversations_only(database: Location) -> None:
    async with TranscriptStore(database) as store:
        for event in (
            conversation("old-only", "c-old", days_ago(60))
            + conversation("both", "c-both-old", days_ago(45))
            + conversation("both", "c-both-new", days_ago(5))
            + conversation("new-only", "c-new", days_ago(0))
        ):
            store.record(event)
        assert await asyncio.wait_for(store.flush(), timeout=10)
        assert count(database, "conversations") == 4

        assert await store.purge_older_than(30) == 2

    assert query(database, "SELECT id FROM conversations ORDER BY id") == [
        ("c-both-new",),
        ("c-new",),
    ]
    assert query(database, "SELECT DISTINCT conversation FROM messages ORDER BY 1") == [
        ("c-both-new",),
        ("c-new",),
    ]
    assert query(database, "SELECT message FROM feedback ORDER BY 1") == [
        ("c-both-new-2",),
        ("c-new-2",),
    ]
    assert query(database, "SELECT key FROM candidates ORDER BY 1") == [("both",), ("new-only",)]


async def test_opening_the_store_deletes_nothing(database: Location) -> None:
    async with TranscriptStore(database) as store:
        for event in conversation("a", "c-old", days_ago(4000)):
            store.record(event)
    async with TranscriptStore(database):
        pass
    assert query(database, "SELECT id FROM conversations") == [("c-old",)]


async def stopped(job: asyncio.Task[None]) -> None:
    """Cancel the job and wait for it, before its store closes (as the bot's shutdown does:
    a database call cancelled while its engine is disposed never returns)."""
    job.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await job


async def test_the_retention_job_purges_at_start_then_on_schedule(database: Location) -> None:
    async with TranscriptStore(database) as store:
        for event in conversation("a", "c-old", days_ago(40)) + conversation(
            "b", "c-new", days_ago(1)
        ):
            store.record(event)
        assert await store.flush()
        job = asyncio.create_task(retention.run(store, days=30, every_s=0.05))
        try:
            await wait_until(lambda: count(database, "conversations") == 1)
            assert query(database, "SELECT id FROM conversations") == [("c-new",)]
            # Later rows age out on the next round, with the job still running.
            for event in conversation("c", "c-later", days_ago(31)):
                store.record(event)
            assert await store.flush()
            await wait_until(lambda: count(database, "conversations") == 1)
            assert not job.done()
        finally:
            await stopped(job)


async def test_the_retention_job_outlives_a_refused_purge(database: Location) -> None:
    store = TranscriptStore(database)  # never opened: the purge is refused
    job = asyncio.create_task(retention.run(store, days=30, every_s=0.01))
    try:
        await asyncio.sleep(0.1)
        assert not job.done()
        await store.open()
        for event in conversation("a", "c-old", days_ago(40)):
            store.record(event)
        assert await store.flush()
        await wait_until(lambda: count(database, "conversations") == 0)
    finally:
        await stopped(job)
        await store.close()


async def test_on_postgresql_one_replica_purges_and_the_others_skip(
    postgresql_database: str, tmp_path: Path
) -> None:
    """Two bots on one server: while one holds the purge's advisory lock, the other's
    purge deletes nothing and says so; once it is free, the purge runs."""
    holder = await psycopg.AsyncConnection.connect(postgresql_database, autocommit=True)
    async with TranscriptStore(postgresql_database, spill_dir=tmp_path) as store:
        for event in conversation("a", "c-old", days_ago(40)):
            store.record(event)
        assert await store.flush()
        await holder.execute("SELECT pg_advisory_lock(%s)", (RETENTION_LOCK,))  # the other bot
        assert await store.purge_older_than(30) == 0
        assert count(postgresql_database, "conversations") == 1
        await holder.execute("SELECT pg_advisory_unlock(%s)", (RETENTION_LOCK,))
        assert await store.purge_older_than(30) == 1
    await holder.close()
    assert count(postgresql_database, "conversations") == 0

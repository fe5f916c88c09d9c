"""Many conversations logging at once through the one writer task."""

from __future__ import annotations

import asyncio

from bot.database_location import Location, is_postgresql
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.store.conftest import count, query

CONVERSATIONS = 200
MESSAGES = 10


async def test_concurrent_conversations_are_stored_whole_and_in_order(database: Location) -> None:
    # A small batch splits the 2400 rows over many transactions.
    store = TranscriptStore(database, batch_size=50, batch_window_s=0.005)
    await store.open()

    async def converse(user: int) -> str:
        log = ConversationLog(store, "test", f"user{user}", "posting")
        for seq in range(1, MESSAGES + 1):
            if seq % 2:
                log.incoming(f"user{user} question {seq}", lang="en")
            else:
                log.outgoing(f"user{user} answer {seq}", outcome="answer", lang="en")
            await asyncio.sleep(0)
        return log.id

    ids = await asyncio.gather(*(converse(user) for user in range(CONVERSATIONS)))
    await store.close()

    assert store.written == CONVERSATIONS * (MESSAGES + 2)  # + candidate and conversation
    assert store.spilled == 0 and not store.spill_path.exists()
    assert count(database, "messages") == CONVERSATIONS * MESSAGES
    assert count(database, "candidates") == CONVERSATIONS
    assert count(database, "conversations") == CONVERSATIONS
    # The order the writer stored them in: rows are never updated, so PostgreSQL's
    # physical order is that too.
    stored_order = "ctid" if is_postgresql(database) else "rowid"
    for user, conversation in enumerate(ids):
        rows = query(
            database,
            "SELECT seq, direction, text, candidate FROM messages WHERE conversation = ?"
            f" ORDER BY {stored_order}",
            conversation,
        )
        assert [seq for seq, *_ in rows] == list(range(1, MESSAGES + 1))
        assert [text for _, _, text, _ in rows] == [
            f"user{user} {'question' if seq % 2 else 'answer'} {seq}"
            for seq in range(1, MESSAGES + 1)
        ]
        assert [d for _, d, _, _ in rows] == ["in", "out"] * (MESSAGES // 2)
        assert {c for *_, c in rows} == {f"test:user{user}"}


async def test_text_no_database_can_hold_is_stored_with_replacement_characters(
    database: Location,
) -> None:
    """A NUL (PostgreSQL refuses it in text) or a lone surrogate (not UTF-8) in what a
    candidate typed or is called: the row is stored, not set aside, on both databases."""
    async with TranscriptStore(database) as store:
        log = ConversationLog(store, "test", "odd", "posting", display_name="Ann\x00a")
        log.incoming("salary?\x00 and \ud800remote", lang="en")
        assert await store.flush()
        assert not store.rejected_path.exists()
    assert query(database, "SELECT text FROM messages") == [("salary?\ufffd and \ufffdremote",)]
    assert query(database, "SELECT display_name FROM candidates") == [("Ann\ufffda",)]

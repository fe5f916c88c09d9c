"""Many conversations logging at once through the one writer task."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.store.conftest import count, query

CONVERSATIONS = 200
MESSAGES = 10


async def test_concurrent_conversations_are_stored_whole_and_in_order(db_path: Path) -> None:
    # A small batch splits the 2400 rows over many transactions.
    store = TranscriptStore(db_path, batch_size=50, batch_window_s=0.005)
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
    assert count(db_path, "messages") == CONVERSATIONS * MESSAGES
    assert count(db_path, "candidates") == CONVERSATIONS
    assert count(db_path, "conversations") == CONVERSATIONS
    for user, conversation in enumerate(ids):
        rows = query(
            db_path,
            "SELECT seq, direction, text, candidate FROM messages WHERE conversation = ?"
            " ORDER BY rowid",  # the order the writer stored them in
            conversation,
        )
        assert [seq for seq, *_ in rows] == list(range(1, MESSAGES + 1))
        assert [text for _, _, text, _ in rows] == [
            f"user{user} {'question' if seq % 2 else 'answer'} {seq}"
            for seq in range(1, MESSAGES + 1)
        ]
        assert [d for _, d, _, _ in rows] == ["in", "out"] * (MESSAGES // 2)
        assert {c for *_, c in rows} == {f"test:user{user}"}

"""The bot's outbox of console replies: each reply is claimed by one bot only, even with
two bots on one database, and a claim a stopped bot left behind goes back to pending."""

from __future__ import annotations

import asyncio

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from bot.store.database import Location, engine_for
from bot.store.handoffs import ReplyOutbox
from tests.store.conftest import query

REPLIES = 30


async def conversation_with_replies(database: Location) -> str:
    async with TranscriptStore(database) as store:
        log = ConversationLog(store, "telegram", "42", "posting")
        log.incoming("can I talk to a human?")
    for i in range(REPLIES):
        query(
            database,
            "INSERT INTO recruiter_replies (conversation, candidate, author, text, created_at)"
            " VALUES (?, ?, 'rita', ?, '2026-12-01T09:00:00.000+00:00')",
            log.id,
            log.candidate,
            f"reply {i}",
        )
    return log.id


async def test_two_bots_never_take_the_same_reply(database: Location) -> None:
    await conversation_with_replies(database)
    engines = [engine_for(database), engine_for(database)]
    try:
        first, second = (ReplyOutbox(engine) for engine in engines)
        taken: list[list[int]] = [[], []]
        for _ in range(REPLIES):  # rounds of 3, both bots at once
            rounds = await asyncio.gather(first.take(limit=3), second.take(limit=3))
            for bot, items in enumerate(rounds):
                taken[bot] += [item.reply.id for item in items]
        everything = taken[0] + taken[1]
        assert len(everything) == len(set(everything)) == REPLIES
        assert await first.take() == [] and await second.take() == []
        await second.settle(everything[0], None)
        await first.settle(everything[1], "the candidate blocked the bot")
        states = {
            i: (sent, error)
            for i, sent, error in query(
                database, "SELECT id, sent_at, error FROM recruiter_replies"
            )
        }
        assert states[everything[0]][0] > "2026" and states[everything[0]][1] is None
        assert states[everything[1]][1] == "the candidate blocked the bot"
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_claim_left_by_a_stopped_bot_is_sent_again(database: Location) -> None:
    await conversation_with_replies(database)
    engine = engine_for(database)
    try:
        outbox = ReplyOutbox(engine)
        claimed = await outbox.take(limit=2)  # then the bot stops before sending
        [sent] = await outbox.take(limit=1)
        await outbox.settle(sent.reply.id, None)
        assert await outbox.recover() == 2
        again = await outbox.take(limit=REPLIES)
        assert {i.reply.id for i in claimed} <= {i.reply.id for i in again}
        assert sent.reply.id not in {i.reply.id for i in again}
        assert all(i.channel == "telegram" and i.external_id == "42" for i in again)
    finally:
        await engine.dispose()

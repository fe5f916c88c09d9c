"""A reply written in the console reaches the candidate through the running bot, once,
and is logged; one that cannot be delivered says why."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.channels.telegram import console_replies
from bot.channels.telegram.runner import TelegramBot
from bot.store import handoffs
from bot.store.connections import Database
from tests.channels.telegram.conftest import StartBot, stored, until
from tests.fakes.bot_api import FakeBotApi, FakeUser


def conversation_of(database: Path, user: FakeUser) -> str:
    with closing(sqlite3.connect(database)) as db:
        row = db.execute(
            "SELECT id FROM conversations WHERE candidate = ?", (f"telegram:{user.id}",)
        ).fetchone()
    assert row, "no conversation stored"
    return str(row[0])


async def enqueue(database: Path, conversation: str, text: str) -> int:
    """As the console does, from another thread: a blocking write on the bot's event loop
    would wait for the lock of a transaction that needs that loop to finish."""

    def write() -> int:
        with Database(database).writer() as db:
            return handoffs.enqueue(db, conversation, "rita", text)

    return await asyncio.to_thread(write)


def reply_rows(database: Path) -> list[tuple[str, str | None]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT sent_at, error FROM recruiter_replies ORDER BY id").fetchall()


async def test_a_console_reply_is_sent_once_and_logged(
    fake: FakeBotApi, start_bot: StartBot, database: Path, monkeypatch
) -> None:
    monkeypatch.setattr(console_replies, "POLL_SECONDS", 0.05)
    bot: TelegramBot = await start_bot()
    ana = fake.user(first_name="Ana")
    ana.send("what's the weather in Paris?")
    await ana.next_reply()
    await bot.store.flush()
    await enqueue(database, conversation_of(database, ana), "Hi Ana, Rita from recruiting here.")

    relayed = await ana.next_reply()
    assert relayed.plain_text.startswith("A recruiter replied:")
    assert "Hi Ana, Rita from recruiting here." in relayed.plain_text
    await until(lambda: reply_rows(database)[0][0] not in (None, handoffs.SENDING))
    assert reply_rows(database)[0][1] is None
    logged = await stored(
        bot,
        database,
        "SELECT outcome, text FROM messages WHERE candidate = ? AND direction = 'out'",
        f"telegram:{ana.id}",
    )
    assert ("recruiter", "Hi Ana, Rita from recruiting here.") in [tuple(r) for r in logged]
    # Another round sends nothing again.
    sent_before = len(fake.messages_to(ana.id))
    assert (
        await console_replies.send_pending(
            bot.application.bot,
            bot.application.bot_data["services"],
            handoffs.ReplyOutbox(bot.store.engine),
        )
        == 0
    )
    assert len(fake.messages_to(ana.id)) == sent_before


async def test_a_blocked_candidate_is_recorded_as_not_delivered(
    fake: FakeBotApi, start_bot: StartBot, database: Path, monkeypatch
) -> None:
    monkeypatch.setattr(console_replies, "POLL_SECONDS", 0.05)
    bot: TelegramBot = await start_bot()
    ana = fake.user()
    ana.send("hello")
    await ana.next_reply()
    await bot.store.flush()
    ana.block()
    await enqueue(database, conversation_of(database, ana), "Are you still interested?")
    await until(lambda: reply_rows(database)[0][1] is not None)
    assert reply_rows(database)[0][1] == "Not delivered: the candidate has blocked the bot."
    assert bot.application.running  # the bot keeps serving

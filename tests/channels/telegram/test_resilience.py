"""Telegram misbehaving: 429 storms, 5xx outages, webhook secrets, many candidates at once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx

from bot.channels.telegram.runner import TelegramBot
from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeBase
from tests.channels.telegram.conftest import StartBot, stored, stored_when, until
from tests.conftest import topic_text
from tests.fakes.bot_api import FakeBotApi

QUESTIONS = (
    ("is the job remote?", "remote-work"),
    ("what is the tech stack?", "tech-stack"),
    ("how does the interview process work?", "interview-process"),
    ("where are the offices?", "locations"),
    ("how do I apply?", "apply"),
)


async def test_a_429_storm_loses_nothing(fake: FakeBotApi, bot: TelegramBot, database: Path):
    users = [fake.user() for _ in range(10)]
    fake.fail_next(15, method="sendMessage", status=429, retry_after=1)
    for user in users:
        user.send("is the job remote?")
    for user in users:
        [reply] = await fake.wait_for_messages(user.id, 1, timeout=30)
        assert "Télétravail" in reply.plain_text
    assert fake.injected == 15
    logged = await stored(bot, database, "SELECT count(*) FROM messages")
    assert logged[0][0] == 20


async def test_the_bot_recovers_by_itself_from_a_5xx_outage(
    fake: FakeBotApi, bot: TelegramBot, database: Path, knowledge: KnowledgeBase
):
    ana, bob = fake.user(), fake.user()
    ana.send("is the job remote?")
    await ana.next_reply()
    with fake.fail_while(status=502):
        ana.send("what is the tech stack?")  # waits in the fake: getUpdates fails too
        await fake.wait_for(lambda: fake.injected >= 2)
    fake.fail_on(status=500, method="sendMessage")
    bob.send("how do I apply?")  # taken, but the answer can't be sent yet
    await fake.wait_for(lambda: fake.injected >= 4, timeout=15)
    fake.fail_off()
    stack = topic_text(knowledge, "tech-stack", "en")
    assert (await ana.next_reply(timeout=30)).plain_text == stack
    assert (await bob.next_reply(timeout=30)).plain_text == topic_text(knowledge, "apply", "en")
    logged = await stored(bot, database, "SELECT count(*) FROM messages")
    assert logged[0][0] == 6


async def test_300_candidates_5_questions_each_all_at_once(
    fake: FakeBotApi, bot: TelegramBot, database: Path, knowledge: KnowledgeBase
):
    users = [fake.user() for _ in range(300)]
    for question, _ in QUESTIONS:
        for user in users:
            user.send(question)
    responder = Responder(knowledge)
    expected = [responder.reply(question, lang_hint="en").text for question, _ in QUESTIONS]
    for user in users:
        replies = await fake.wait_for_messages(user.id, 5, timeout=60)
        assert [r.plain_text for r in replies] == expected  # once each, in order
    rows = await stored_when(
        bot,
        database,
        "SELECT candidate, direction, text, seq FROM messages ORDER BY candidate, seq",
        lambda found: len(found) >= 3000,
    )
    assert len(rows) == 3000
    by_candidate: dict[str, list[str]] = {}
    for row in rows:
        by_candidate.setdefault(row["candidate"], []).append(row["text"])
    assert len(by_candidate) == 300
    questions = [q for q, _ in QUESTIONS]
    for texts in by_candidate.values():
        assert texts[0::2] == questions and texts[1::2] == expected
    assert sum(len(fake.messages_to(u.id)) for u in users) == 1500


async def test_webhook_checks_the_secret_and_serves_healthz(fake: FakeBotApi, start_bot: StartBot):
    bot = await start_bot(
        BOT_WEBHOOK_URL="https://bot.example.com/hook/telegram", BOT_WEBHOOK_SECRET="s3cret-Token_1"
    )
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://bot.example.com/hook/telegram"
    assert fake.webhook["secret_token"] == "s3cret-Token_1"
    ana = fake.user()
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_800_000_000,
            "chat": ana.chat_dict(),
            "from": ana.user_dict(),
            "text": "is the job remote?",
        },
    }
    url = f"http://127.0.0.1:{bot.ops.port}"
    async with httpx.AsyncClient(base_url=url) as client:
        missing = await client.post("/hook/telegram", json=update)
        wrong = await client.post(
            "/hook/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
        )
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert not fake.messages_to(ana.id)
        good = await client.post(
            "/hook/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"},
        )
        assert good.status_code == 200
        assert "Télétravail" in (await ana.next_reply()).plain_text
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        body = ready.json()
        assert body["ok"] and body["bot"]["mode"] == "webhook" and body["store"]["ok"]
    assert not fake.calls_to("getUpdates")


async def test_a_locked_database_never_delays_answers_and_loses_no_row(
    fake: FakeBotApi, bot: TelegramBot, database: Path
):
    ana = fake.user()
    ana.send("is the job remote?")
    await ana.next_reply()
    assert await bot.store.flush()
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    # A recruiter's tool holding the file, say; taken from a thread, since it may wait for
    # a transaction of the bot's that needs this event loop to end.
    await asyncio.to_thread(holder.execute, "BEGIN EXCLUSIVE")
    try:
        for question, _ in QUESTIONS:
            ana.send(question)
        await fake.wait_for_messages(ana.id, 1 + len(QUESTIONS))
        await until(lambda: not bot.store.healthy)
        url = f"http://127.0.0.1:{bot.ops.port}"
        async with httpx.AsyncClient(base_url=url) as client:
            # Alive and ready: the bot copes; a restart would not help. /readyz says why.
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["store"]["writing"] is False
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    rows = await stored_when(
        bot, database, "SELECT count(*) FROM messages", lambda found: found[0][0] == 12
    )
    assert rows[0][0] == 12 and bot.store.healthy

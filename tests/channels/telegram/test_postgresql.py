"""The Telegram bot with its transcripts in PostgreSQL (BOT_DATABASE=postgresql://...):
answers go out, every row lands in the server (a restart of the server included), a
console reply is sent once, and the admins' reports read the server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram import console_replies
from bot.ops.metrics import REGISTRY
from tests.channels.telegram.conftest import ADMIN_ID, StartBot
from tests.conftest import postgresql_query, restart_postgresql
from tests.fakes.bot_api import FakeBotApi


async def test_the_bot_stores_every_row_in_postgresql_and_sends_console_replies(
    postgresql_database: str,  # first: dropped only once the bot has stopped
    fake: FakeBotApi,
    start_bot: StartBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,
) -> None:
    monkeypatch.setattr(console_replies, "POLL_SECONDS", 0.05)
    monkeypatch.chdir(tmp_path)  # the spill file's folder, data/, stays here
    bot = await start_bot(BOT_DATABASE=postgresql_database)
    ana = fake.user()
    for question in ("is the job remote?", "do you sponsor visas?", "/human"):
        ana.send(question)
    await fake.wait_for_messages(ana.id, 3, timeout=20)
    assert await bot.store.flush()

    key = f"telegram:{ana.id}"
    logged = postgresql_query(
        postgresql_database,
        "SELECT direction, text FROM messages WHERE candidate = ? ORDER BY seq",
        key,
    )
    assert [d for d, _ in logged[:2]] == ["in", "out"]
    assert [t for d, t in logged if d == "in"] == [
        "is the job remote?",
        "do you sponsor visas?",
        "/human",
    ]
    [(conversation,)] = postgresql_query(
        postgresql_database, "SELECT id FROM conversations WHERE candidate = ?", key
    )

    # A recruiter answers from the console (a row in the same server); the bot sends it.
    postgresql_query(
        postgresql_database,
        "INSERT INTO recruiter_replies (conversation, candidate, author, text, created_at)"
        " VALUES (?, ?, 'rita', 'Hi Ana, Rita here: no visa sponsorship.', ?)",
        conversation,
        key,
        "2026-12-01T09:00:00.000+00:00",
    )
    sent = await fake.wait_for(
        lambda: [m for m in fake.messages_to(ana.id) if "Rita here" in m.plain_text]
    )
    assert len(sent) == 1
    await fake.wait_for(
        lambda: postgresql_query(
            postgresql_database,
            "SELECT 1 FROM recruiter_replies WHERE sent_at IS NOT NULL AND error IS NULL",
        )
    )

    # The admins' reports read the same server.
    admin = fake.user(user_id=ADMIN_ID, first_name="Admin")
    admin.send("/stats")
    stats = (await admin.next_reply()).plain_text
    assert "Conversations: 1," in stats, stats
    ana.send("what is the stack?")
    await fake.wait_for_messages(ana.id, len(fake.messages_to(ana.id)) + 1, timeout=20)


async def test_answers_go_out_while_postgresql_restarts_and_every_row_lands(
    postgresql_database: str,  # first: dropped only once the bot has stopped
    postgresql: Any,
    fake: FakeBotApi,
    start_bot: StartBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    bot = await start_bot(BOT_DATABASE=postgresql_database)
    refused = REGISTRY.get_sample_value("hirebot_store_write_failures_total") or 0.0
    restart = asyncio.create_task(asyncio.to_thread(restart_postgresql, postgresql))
    candidates = []
    while not restart.done() or len(candidates) < 5:  # a new candidate every 50 ms
        candidates.append(fake.user())
        candidates[-1].send(f"what is the stack? ({len(candidates)})")
        await asyncio.sleep(0.05)
    await restart
    for candidate in candidates:  # every one answered, none waited for the database
        await fake.wait_for_messages(candidate.id, 1, timeout=30)
    assert await bot.store.flush(timeout_s=30)
    texts = postgresql_query(
        postgresql_database, "SELECT text FROM messages WHERE direction = 'in' ORDER BY text"
    )
    assert sorted(t for (t,) in texts) == sorted(
        f"what is the stack? ({i})" for i in range(1, len(candidates) + 1)
    )
    assert bot.store.healthy
    # The server really was away while candidates wrote: the writer was refused.
    assert (REGISTRY.get_sample_value("hirebot_store_write_failures_total") or 0.0) > refused

"""BOT_CONSOLE: the recruiter console served by `run`, beside the Telegram bot."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram.runner import TelegramBot
from bot.store import users
from bot.store.connections import Database
from tests.channels.telegram.conftest import StartBot, stored, until
from tests.fakes.bot_api import FakeBotApi

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def console_port(bot: TelegramBot) -> int:
    assert bot.console is not None
    return int(bot.console.servers[0].sockets[0].getsockname()[1])


async def test_console_serves_what_the_bot_logs(
    fake: FakeBotApi, database: Path, start_bot: StartBot
) -> None:
    bot = await start_bot(BOT_CONSOLE=True, BOT_CONSOLE_PORT=0)
    assert bot.console is not None
    await until(lambda: bot.console is not None and bot.console.started)

    def add_rita() -> None:  # blocking: not on the loop the bot's transactions need
        with Database(database).writer() as db:
            users.add_user(db, "rita", "recruiter", PASSWORD)

    await asyncio.to_thread(add_rita)
    fake.user(first_name="Zoé").send("is the job remote?")
    await fake.wait_for(lambda: fake.calls_to("sendMessage"))
    (conversation,) = await stored(bot, database, "SELECT id FROM conversations")

    base = f"http://127.0.0.1:{console_port(bot)}"
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        form = await client.get("/login")
        token = CSRF.search(form.text)
        assert token
        signed_in = await client.post(
            "/login", data={"name": "rita", "password": PASSWORD, "csrf": token.group(1)}
        )
        assert signed_in.status_code == 303
        page = await client.get(f"/conversations/{conversation['id']}")
        assert page.status_code == 200
        assert "Zoé" in page.text and "is the job remote?" in page.text
    # The bot still answers while the console serves.
    fake.user().send("what is the stack?")
    await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 2)


async def test_a_taken_console_port_does_not_stop_the_bot(
    fake: FakeBotApi, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = await start_bot(BOT_CONSOLE=True, BOT_CONSOLE_PORT=port)
        await until(lambda: bot._console_task is not None and bot._console_task.done())
        fake.user().send("is the job remote?")
        await fake.wait_for(lambda: fake.calls_to("sendMessage"))
    assert "recruiter console cannot listen" in caplog.text

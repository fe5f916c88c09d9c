"""The real Application, in-process, against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.channels.telegram.runner import TelegramBot
from bot.core.dialogue import Responder
from bot.database_location import Location
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, ROOT
from tests.fakes.bot_api import FakeBotApi

ADMIN_ID = 42


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def make_settings(fake: FakeBotApi, database: Path) -> Callable[..., Settings]:
    """Settings for a bot talking to the fake; keyword arguments use the env names."""

    def make(**env: object) -> Settings:
        values: dict[str, object] = {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
            "BOT_DATABASE": database,
            "BOT_KNOWLEDGE": KNOWLEDGE,
            "BOT_HTTP_PORT": 0,
            "BOT_TELEGRAM_MAX_RATE": 0,
            "BOT_ADMIN_IDS": str(ADMIN_ID),
        }
        values.update(env)
        return Settings(**values)  # type: ignore[arg-type]

    return make


StartBot = Callable[..., Awaitable[TelegramBot]]


@pytest.fixture
async def start_bot(
    make_settings: Callable[..., Settings], responder: Responder
) -> AsyncIterator[StartBot]:
    """Start the bot with extra settings; it is stopped (and the store flushed) at the end."""
    started: list[TelegramBot] = []

    async def start(responder_: Responder | None = None, **env: object) -> TelegramBot:
        bot = TelegramBot(make_settings(**env), responder_ or responder)
        started.append(bot)
        await bot.start()
        return bot

    yield start
    for bot in started:
        await bot.stop()


@pytest.fixture
async def bot(start_bot: StartBot) -> TelegramBot:
    return await start_bot()


def rows(database: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    """Read the transcript database (after the store is flushed)."""
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


async def stored(bot: TelegramBot, database: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    assert await bot.store.flush(), "the store did not flush"
    return rows(database, sql, *params)


async def stored_when(
    bot: TelegramBot,
    database: Path,
    sql: str,
    ready: Callable[[list[sqlite3.Row]], bool],
    timeout: float = 10.0,
) -> list[sqlite3.Row]:
    """Poll the store until `ready(rows)`, with a deadline; the last rows either way."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await stored(bot, database, sql)
        if ready(found) or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.02)


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll `predicate` with a deadline, for state the fake doesn't see change."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def spawn_bot(fake: FakeBotApi, database: Location, **env: str) -> asyncio.subprocess.Process:
    """`python -m bot run` against the fake, with `env` on top of the test settings."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "BOT_DATABASE": str(database),
        "BOT_HTTP_PORT": "0",
        "BOT_TELEGRAM_MAX_RATE": "0",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )

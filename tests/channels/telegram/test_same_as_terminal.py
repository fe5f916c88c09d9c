"""One scripted conversation through both channels gets the same replies.

The rules live in `bot.core.conversation`; the terminal chat and Telegram only render
them. Both log to a real SQLite store, and what each logged as the bot's replies is
compared message by message.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.channels.telegram.runner import TelegramBot
from bot.channels.terminal import TerminalChat
from bot.core.dialogue import Responder
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.channels.telegram.conftest import StartBot, stored
from tests.fakes.bot_api import FakeBotApi

# Questions, a "did you mean" and its numbered pick, "more", the topic list and a pick
# from it, a command, a change of language carried to the next question.
SCRIPT = [
    "is it remote?",
    "how long is the tech interview?",
    "more",
    "how large is the engineering team",
    "2",
    "topics",
    "3",
    "/help",
    "c'est quoi le salaire ?",
    "/language es",
    "¿hay que hablar inglés?",
    "what's the weather tomorrow?",
]
REPLIES = "SELECT text, outcome FROM messages WHERE direction = 'out' ORDER BY created_at, seq"


def replies(database: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(database)
    try:
        return [tuple(r) for r in db.execute(REPLIES)]  # type: ignore[misc]
    finally:
        db.close()


async def test_terminal_and_telegram_give_the_same_replies(
    tmp_path: Path, responder: Responder, fake: FakeBotApi, start_bot: StartBot, database: Path
) -> None:
    terminal_db = tmp_path / "terminal.sqlite3"
    shown: list[str] = []
    async with TranscriptStore(terminal_db) as store:
        log = ConversationLog(store, "terminal", "ana", responder.knowledge.posting().slug)
        chat = TerminalChat(responder, log=log, write=shown.append, interactive=False)
        for line in SCRIPT:
            chat.handle(line)
    from_terminal = replies(terminal_db)

    bot: TelegramBot = await start_bot(BOT_FLOOD_MESSAGES=100)  # the script is typed fast
    ana = fake.user(language_code="en")
    for line in SCRIPT:
        ana.send(line)
        await ana.next_reply()
    from_telegram = await stored(bot, database, REPLIES)

    assert len(from_terminal) == len(SCRIPT)
    assert [tuple(r) for r in from_telegram] == from_terminal
    outcomes = [outcome for _, outcome in from_terminal]
    assert outcomes[3] == "clarify" and outcomes[-1] == "fallback"
    assert "salaire" in from_terminal[8][0].casefold()
    # The terminal shows what it logged (a "did you mean" as numbered lines).
    assert all(any(t in line for line in shown) for t, o in from_terminal if o != "clarify")
    assert any(line.splitlines()[-1].startswith("  0. ") for line in shown)

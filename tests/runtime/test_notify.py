"""`kb notify TOPIC`: who asked, now answered, gets the answer once, on the fake Bot API.

The transcripts are written with the knowledge base as it was (no visa topic); the
command runs with the knowledge base after an admin added the `visa` topic.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.channels.telegram import notify
from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import load_knowledge
from bot.settings import Settings
from bot.store import TranscriptStore
from tests.conftest import run_bot
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.kb.sample_kb import write_knowledge
from tests.kb.sample_transcripts import Chat, write_transcripts

FALLBACK = Outcome.FALLBACK
VISA_EN = "Yes, we sponsor work visas for this role."
VISA_FR = "Oui, nous parrainons les visas de travail pour ce poste."


def script() -> list[tuple[int, object]]:
    def ask(external_id: str, question: str, *, lang: str = "en", channel: str = "telegram"):
        def step(store: TranscriptStore, responder: Responder) -> None:
            name = f"C{external_id}"
            chat = Chat(store, responder, external_id, channel=channel, name=name, lang=lang)
            chat.ask(question, FALLBACK)

        return step

    def dan_again(store: TranscriptStore, responder: Responder) -> None:
        chat = Chat(store, responder, "2006", name="Dan")
        chat.ask("visa sponsorship?", FALLBACK)
        chat.ask("is there a gym", FALLBACK)

    return [
        (200, ask("2007", "do you sponsor visas")),  # past the 180-day retention
        (5, ask("2006", "do you sponsor visas")),  # Dan asks twice, in two conversations
        (3, ask("2001", "do you sponsor visas")),
        (2, ask("2002", "parrainez-vous les visas ?", lang="fr")),
        (2, ask("2003", "patrocinan visados?", lang="es")),  # has blocked the bot
        (2, ask("ana-77", "do you sponser visas", channel="web")),  # not on Telegram
        (1, ask("2004", "is there a gym")),  # still unanswered
        (1, ask("2005", "est-ce que vous sponsorisez les visas", lang="fr")),  # still unanswered
        (1, dan_again),
    ]


@pytest.fixture
async def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    before = Responder(load_knowledge(write_knowledge(tmp_path / "before")))
    path = tmp_path / "bot.sqlite3"
    await write_transcripts(path, before, monkeypatch, script())
    return path


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "after", with_visa=True)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def users(fake: FakeBotApi) -> dict[int, FakeUser]:
    """The candidates' private chats with the bot, by Telegram user id."""
    return {i: fake.user(user_id=i) for i in (2001, 2002, 2003, 2004, 2005, 2006, 2007)}


def settings_for(fake: FakeBotApi, database: Path, knowledge: Path, **env: object) -> Settings:
    values: dict[str, object] = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "BOT_DATABASE": database,
        "BOT_KNOWLEDGE": knowledge,
        "BOT_RETENTION_DAYS": 180,
        "BOT_TELEGRAM_MAX_RATE": 0,
    }
    values.update(env)
    return Settings(**values)  # type: ignore[arg-type]


async def kb_notify(settings: Settings, *argv: str) -> int:
    """Run `kb notify ARGV` in-process, in a thread: it runs its own event loop, and the
    fake Bot API serves from this one."""
    parser = argparse.ArgumentParser()
    notify.add_command(parser.add_subparsers(), settings)
    args = parser.parse_args(["notify", *argv])
    return await asyncio.to_thread(args.func, args, settings)


def rows(database: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql, params).fetchall()


def texts(fake: FakeBotApi, chat_id: int) -> list[str]:
    return [m.plain_text for m in fake.messages_to(chat_id)]


async def test_a_dry_run_lists_who_would_get_what_and_sends_nothing(
    fake: FakeBotApi,
    users: dict[int, FakeUser],
    database: Path,
    knowledge: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await kb_notify(settings_for(fake, database, knowledge), "visa", "--since", "365d") == 0

    out = capsys.readouterr().out
    assert "4 to notify, 0 already notified, 1 not reachable." in out
    for key in ("telegram:2001", "telegram:2002", "telegram:2003", "telegram:2006"):
        assert f"{key}  C" in out or f"{key}  Dan" in out
    assert "web:ana-77" in out and "not reachable" in out
    for key in ("telegram:2004", "telegram:2005", "telegram:2007"):
        assert key not in out  # still unanswered, still unanswered, past retention
    assert "Earlier you asked: «do you sponsor visas». A recruiter has added the answer:" in out
    assert "Vous nous aviez demandé : « parrainez-vous les visas ? »" in out
    assert "Dry run: nothing was sent." in out
    assert fake.calls_to("sendMessage") == []
    assert rows(database, "SELECT count(*) FROM notifications") == [(0,)]
    assert rows(database, "SELECT count(*) FROM messages WHERE outcome = 'notify'") == [(0,)]


async def test_send_reaches_the_right_candidates_once_each(
    fake: FakeBotApi,
    users: dict[int, FakeUser],
    database: Path,
    knowledge: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocked = users[2003]
    blocked.block()
    settings = settings_for(fake, database, knowledge)

    status = await kb_notify(settings, "visa", "--send", "--since", "365d")

    out = capsys.readouterr().out
    assert status == 0, out
    assert texts(fake, 2001) == [
        f"Earlier you asked: «do you sponsor visas». A recruiter has added the answer:\n\n{VISA_EN}"
    ]
    assert texts(fake, 2002) == [
        "Vous nous aviez demandé : « parrainez-vous les visas ? ». Un recruteur a ajouté la "
        f"réponse :\n\n{VISA_FR}"
    ]
    # Dan asked twice: one message, quoting his latest question.
    assert texts(fake, 2006) == [
        f"Earlier you asked: «visa sponsorship?». A recruiter has added the answer:\n\n{VISA_EN}"
    ]
    for chat_id in (2003, 2004, 2005, 2007):
        assert texts(fake, chat_id) == []
    assert "telegram:2003: not sent, the candidate has blocked the bot" in out
    assert rows(database, "SELECT candidate, topic FROM notifications ORDER BY 1") == [
        ("telegram:2001", "visa"),
        ("telegram:2002", "visa"),
        ("telegram:2006", "visa"),
    ]
    # Logged in each candidate's latest conversation, after its last message.
    logged = rows(
        database,
        """SELECT m.candidate, m.seq, m.direction, m.topics, m.lang, m.text,
            (SELECT max(seq) FROM messages o WHERE o.conversation = m.conversation),
            (SELECT c.id FROM conversations c WHERE c.candidate = m.candidate
             ORDER BY c.last_activity_at DESC LIMIT 1) = m.conversation,
            n.message = m.id
        FROM messages m JOIN notifications n ON n.candidate = m.candidate
        WHERE m.outcome = 'notify' ORDER BY 1""",
    )
    assert [(r[0], r[2], r[3], r[4]) for r in logged] == [
        ("telegram:2001", "out", "visa", "en"),
        ("telegram:2002", "out", "visa", "fr"),
        ("telegram:2006", "out", "visa", "en"),
    ]
    assert all(r[1] == r[6] and r[7] == 1 and r[8] == 1 for r in logged)
    assert logged[0][5].endswith(VISA_EN)

    # A second run sends nothing new; the blocked candidate, once unblocked, gets it.
    blocked.unblock()
    assert await kb_notify(settings, "visa", "--send", "--since", "365d") == 0
    out = capsys.readouterr().out
    assert "1 to notify, 3 already notified, 1 not reachable." in out
    assert [len(texts(fake, c)) for c in (2001, 2002, 2003, 2006)] == [1, 1, 1, 1]
    assert texts(fake, 2003)[0].startswith("Nos preguntaste: «patrocinan visados?».")

    assert await kb_notify(settings, "visa", "--send", "--since", "365d") == 0
    assert "Nothing to send." in capsys.readouterr().out
    # Three sent, one refused (blocked), one sent once unblocked; nothing on the last run.
    assert sorted(c.status for c in fake.calls_to("sendMessage")) == [200, 200, 200, 200, 403]


async def test_the_window_and_retention_limit_who_is_notified(
    fake: FakeBotApi,
    users: dict[int, FakeUser],
    database: Path,
    knowledge: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --since 4d leaves out Dan's first question but not his second.
    await kb_notify(settings_for(fake, database, knowledge), "visa", "--since", "4d")
    out = capsys.readouterr().out
    assert "telegram:2006" in out and "'visa sponsorship?'" in out

    # A retention of 250 days keeps the 200-day-old conversation.
    settings = settings_for(fake, database, knowledge, BOT_RETENTION_DAYS=250)
    await kb_notify(settings, "visa", "--since", "365d")
    assert "telegram:2007" in capsys.readouterr().out

    await kb_notify(settings_for(fake, database, knowledge), "visa", "--since", "365d")
    assert "telegram:2007" not in capsys.readouterr().out


async def test_a_failing_telegram_is_reported_and_the_command_goes_on(
    fake: FakeBotApi,
    users: dict[int, FakeUser],
    database: Path,
    knowledge: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.fail_next(method="sendMessage", status=400, description="Bad Request: chat not found")
    settings = settings_for(fake, database, knowledge)

    status = await kb_notify(settings, "visa", "--send", "--since", "365d")

    out = capsys.readouterr().out
    assert status == 1
    assert "not sent, Telegram said" in out
    assert len(rows(database, "SELECT * FROM notifications")) == 3  # the other three
    assert sum(len(texts(fake, c)) for c in (2001, 2002, 2003, 2006)) == 3


async def test_erasing_a_candidate_erases_their_notifications(
    fake: FakeBotApi, users: dict[int, FakeUser], database: Path, knowledge: Path
) -> None:
    await kb_notify(settings_for(fake, database, knowledge), "visa", "--send", "--since", "365d")
    assert rows(database, "SELECT count(*) FROM notifications WHERE candidate = 'telegram:2001'")

    async with TranscriptStore(database) as store:
        await store.erase_candidate("telegram:2001")

    assert rows(database, "SELECT candidate FROM notifications ORDER BY 1") == [
        ("telegram:2002",),
        ("telegram:2003",),
        ("telegram:2006",),
    ]


async def test_an_unknown_topic_is_refused(
    fake: FakeBotApi,
    users: dict[int, FakeUser],
    database: Path,
    knowledge: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await kb_notify(settings_for(fake, database, knowledge), "visas", "--send") == 1
    assert "No topic 'visas'" in capsys.readouterr().err
    assert fake.calls_to("sendMessage") == []


def test_send_without_a_token_exits_2_and_a_dry_run_needs_none(
    tmp_path: Path, knowledge: Path
) -> None:
    env = {"BOT_DATABASE": str(tmp_path / "none.sqlite3"), "BOT_KNOWLEDGE": str(knowledge)}
    result = run_bot("kb", "notify", "visa", "--send", env=env)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr

    result = run_bot("kb", "notify", "visa", env=env)
    assert result.returncode == 1
    assert "No transcript database" in result.stderr

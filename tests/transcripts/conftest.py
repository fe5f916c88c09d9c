"""A real transcript database, written by the real TranscriptStore and ConversationLog.

The clock and the conversation ids of ConversationLog are pinned so that dates
and id prefixes are known. The figures the tests expect are worked out by hand
in the docstring of `build_sample`.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.dialogue import Outcome, Reply
from bot.database_location import Location
from bot.store import TranscriptStore
from bot.store import conversation as conversation_module
from bot.store.conversation import ConversationLog
from tests.conftest import run_bot

TODAY = datetime.now(UTC).date()
FALLBACK_EN = "Sorry, I don't know the answer to that."


class Clock:
    """Stands in for `now()` in bot.store.conversation: one minute per call."""

    def __init__(self) -> None:
        self.moment = datetime(2000, 1, 1, tzinfo=UTC)

    def set(self, day: date, hour: int) -> None:
        self.moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    def __call__(self) -> str:
        self.moment += timedelta(minutes=1)
        return self.moment.isoformat(timespec="milliseconds")


class Ids:
    """Stands in for `new_id()`: the next conversation gets the id we choose."""

    def __init__(self) -> None:
        self.next: str | None = None

    def __call__(self) -> str:
        value, self.next = self.next, None
        return value or uuid.uuid4().hex


@dataclass(frozen=True)
class Sample:
    path: Location  # a SQLite file, or a PostgreSQL URL
    jane: str  # conversation ids
    pierre: str
    ana: str
    old: str


def reply(
    question: str,
    outcome: Outcome,
    lang: str = "en",
    topics: tuple[str, ...] = (),
    confidence: float = 0.5,
    text: str = FALLBACK_EN,
    suggestions: tuple[str, ...] = (),
) -> Reply:
    return Reply(question, lang, lang, outcome, topics, confidence, text, suggestions)


async def build_sample(path: Location, monkeypatch: pytest.MonkeyPatch) -> Sample:
    """Four conversations. Days are relative to today (UTC).

    jane (day -2, posting backend, en, open), telegram:1001 "Jane Doe" @janedoe:
      1 in  is it remote?            2 out answer remote-work 0.91  (helpful)
      3 in  do you sponsor visas?    4 out fallback
      5 in  tell me about the pay    6 out clarify salary, benefits
      7 in  1 (command)              8 out answer salary 0.8        (not helpful)
    pierre (day -1, backend, main language fr, handed off), telegram:1002 "Pierre Martin":
      1 in  quel est le salaire ? fr 2 out answer salary fr          (helpful)
      3 in  Do you sponsor visas?? en  4 out fallback en
      5 out handoff fr
    ana (today, frontend, es, closed), web:ana-77 "Ana López" @ana_l:
      1 in  hola                     2 out smalltalk
      3 in  do you sponser visa      4 out fallback
      5 in  <script>...remote?       6 out fallback
    old (400 days ago, backend, en, closed), telegram:999 "Old Timer":
      1 in  is it remote?            2 out answer remote-work

    Over the last 30 days: 3 conversations, 19 messages, 8 questions, 10 replies
    (3 answer, 1 clarify, 4 fallback, 1 handoff, 1 smalltalk), 1 handed off,
    topics salary 2 / remote-work 1, feedback 2 helpful of 3 votes.
    """
    clock, ids = Clock(), Ids()
    monkeypatch.setattr(conversation_module, "now", clock)
    monkeypatch.setattr(conversation_module, "new_id", ids)
    async with TranscriptStore(path) as store:
        clock.set(TODAY - timedelta(days=2), 10)
        ids.next = "a1b2c3d4" + uuid.uuid4().hex[8:]
        jane = ConversationLog(
            store, "telegram", "1001", "backend", display_name="Jane Doe", username="janedoe"
        )
        remote = jane.exchange(
            reply(
                "is it remote?",
                Outcome.ANSWER,
                topics=("remote-work",),
                confidence=0.91,
                text="Yes, mostly remote.",
            ),
            12.0,
        )
        jane.feedback(remote, helpful=True)
        jane.exchange(reply("do you sponsor visas?", Outcome.FALLBACK, confidence=0.2), 9.0)
        jane.exchange(
            reply(
                "tell me about the pay",
                Outcome.CLARIFY,
                suggestions=("salary", "benefits"),
                text="Did you mean:",
            ),
            8.0,
        )
        jane.incoming("1", "en", outcome="command")
        salary = jane.reply(
            reply("1", Outcome.ANSWER, topics=("salary",), confidence=0.8, text="Not stated."),
            3.0,
        )
        jane.feedback(salary, helpful=False)

        clock.set(TODAY - timedelta(days=1), 9)
        ids.next = "a1b2ffff" + uuid.uuid4().hex[8:]
        pierre = ConversationLog(store, "telegram", "1002", "backend", display_name="Pierre Martin")
        answer = pierre.exchange(
            reply(
                "quel est le salaire ?", Outcome.ANSWER, "fr", ("salary",), 0.95, "Non spécifié."
            ),
            5.0,
        )
        pierre.feedback(answer, helpful=True)
        pierre.exchange(reply("Do you sponsor visas??", Outcome.FALLBACK, confidence=0.1), 5.0)
        pierre.outgoing("Un recruteur va vous répondre.", "handoff", "fr")
        pierre.set_status("handed_off")

        clock.set(TODAY, 8)
        ids.next = "c0ffee00" + uuid.uuid4().hex[8:]
        ana = ConversationLog(
            store, "web", "ana-77", "frontend", display_name="Ana López", username="ana_l"
        )
        ana.exchange(
            reply("hola", Outcome.ANSWER, "es", ("smalltalk.greeting",), 0.99, "¡Hola!"), 1.0
        )
        ana.exchange(reply("do you sponser visa", Outcome.FALLBACK, "es", confidence=0.3), 2.0)
        ana.exchange(
            reply("<script>alert('x')</script> remote?", Outcome.FALLBACK, "es", confidence=0.0),
            2.0,
        )
        ana.set_status("closed")

        clock.set(TODAY - timedelta(days=400), 12)
        ids.next = "0ld0ld00" + uuid.uuid4().hex[8:]
        old = ConversationLog(store, "telegram", "999", "backend", display_name="Old Timer")
        old.exchange(reply("is it remote?", Outcome.ANSWER, topics=("remote-work",)), 4.0)
        old.set_status("closed")
        assert await store.flush()
    return Sample(path, jane.id, pierre.id, ana.id, old.id)


@pytest.fixture
async def sample(database: Location, monkeypatch: pytest.MonkeyPatch) -> Sample:
    """The sample on each database: a SQLite file, and a PostgreSQL database."""
    sample = await build_sample(database, monkeypatch)
    monkeypatch.undo()  # the CLI code under test runs with the real clock
    return sample


def transcripts(
    *args: str, database: Location | None, stdin: str = "", columns: int = 200
) -> subprocess.CompletedProcess:
    """Run `python -m bot transcripts ARGS` as a recruiter would."""
    env = {"COLUMNS": str(columns), "BOT_RETENTION_DAYS": "180"}
    if database is not None:
        env["BOT_DATABASE"] = str(database)
    return run_bot("transcripts", *args, env=env, stdin=stdin)

"""A transcript database for the inbox tests, written by the real TranscriptStore and
ConversationLog (with the clock pinned, as in tests/transcripts/conftest.py).

The figures the tests expect are worked out by hand in `build_inbox_data`'s docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.dialogue import Outcome
from bot.database_location import Location
from bot.store import TranscriptStore
from bot.store import conversation as conversation_module
from bot.store.conversation import ConversationLog
from tests.conftest import query
from tests.transcripts.conftest import FALLBACK_EN, TODAY, Clock, reply

NAMES = ("ana", "pierre", "jane", "lee", "marc", "old")  # most recently active first


@dataclass(frozen=True)
class InboxData:
    path: Location  # a SQLite file, or a PostgreSQL URL
    ana: str  # conversation ids
    pierre: str
    jane: str
    lee: str
    marc: str
    old: str

    def names(self, ids: list[str]) -> list[str]:
        """Conversation ids as the names above."""
        by_id = {getattr(self, name): name for name in NAMES}
        return [by_id[i] for i in ids]


def at(day: date, hour: int, minute: int = 0) -> str:
    """A stored timestamp."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).isoformat(
        timespec="milliseconds"
    )


def review(path: Location, conversation: str, by: str, when: str) -> None:
    """Mark a conversation reviewed as the console does (one row per conversation)."""
    query(
        path,
        "INSERT INTO conversation_reviews VALUES (?, ?, ?) ON CONFLICT (conversation) "
        "DO UPDATE SET reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at",
        conversation,
        by,
        when,
    )


async def build_inbox_data(path: Location, monkeypatch: pytest.MonkeyPatch) -> InboxData:
    """Six conversations; days relative to today (UTC); each logged event takes a minute.

    ana (today 08:00, frontend, es, closed) web:ana-77 "Ana López" @ana_l:
      1 in ¿Cuál es el salario?            2 out answer salary "Entre 50 y 60 mil."
      3 in <script>alert('x')</script> ¿remoto?   4 out answer remote-work
    pierre (day -1 09:00, backend, handed_off) telegram:1002 "Pierre Martin":
      1 in quel est le salaire ? (fr)     2 out answer salary (fr)   👍
                                          "Non précisé, voyez le télétravail."
      3 in Do you sponsor visas?? (en)    4 out fallback (en)
      5 in Et le télétravail ? (fr)       6 out handoff (fr)
    jane (day -2 10:00, backend, en, open) telegram:1001 "Jane Doe" @janedoe:
      1 in is it remote?                  2 out answer remote-work   👍
      3 in do you sponsor visas?          4 out fallback
      5 in tell me about the pay          6 out clarify
      7 in 1 (command)                    8 out answer salary        👎
      reviewed by rita on day -2 at 09:00, before all of that: still unreviewed
    lee (day -3 11:00, frontend, en, closed) telegram:1004 "Lee Chen":
      1 in what is the interview process? 2 out answer interview
      reviewed by rita on day -3 at 23:00: reviewed
    marc (day -5 14:00, data, open) telegram:1003 @marc_d (no display name):
      1 in Wie hoch ist das Gehalt? (de)  2 out handoff, in English
    old (day -400 12:00, backend, en, closed) telegram:999 "Old Timer":
      1 in is it remote?                  2 out answer remote-work
    """
    clock = Clock()
    monkeypatch.setattr(conversation_module, "now", clock)
    async with TranscriptStore(path) as store:
        clock.set(TODAY, 8)
        ana = ConversationLog(
            store, "web", "ana-77", "frontend", display_name="Ana López", username="ana_l"
        )
        ana.exchange(
            reply(
                "¿Cuál es el salario?", Outcome.ANSWER, "es", ("salary",), 0.9, "Entre 50 y 60 mil."
            ),
            1.0,
        )
        ana.exchange(
            reply(
                "<script>alert('x')</script> ¿remoto?",
                Outcome.ANSWER,
                "es",
                ("remote-work",),
                0.7,
                "Sí, en gran parte.",
            ),
            1.0,
        )
        ana.set_status("closed")

        clock.set(TODAY - timedelta(days=1), 9)
        pierre = ConversationLog(store, "telegram", "1002", "backend", display_name="Pierre Martin")
        paid = pierre.exchange(
            reply(
                "quel est le salaire ?",
                Outcome.ANSWER,
                "fr",
                ("salary",),
                0.95,
                "Non précisé, voyez le télétravail.",
            ),
            5.0,
        )
        pierre.feedback(paid, helpful=True)
        pierre.exchange(reply("Do you sponsor visas??", Outcome.FALLBACK, confidence=0.1), 5.0)
        pierre.incoming("Et le télétravail ?", "fr")
        pierre.outgoing("Un recruteur va vous répondre.", "handoff", "fr")
        pierre.set_status("handed_off")

        clock.set(TODAY - timedelta(days=2), 10)
        jane = ConversationLog(
            store, "telegram", "1001", "backend", display_name="Jane Doe", username="janedoe"
        )
        remote = jane.exchange(
            reply("is it remote?", Outcome.ANSWER, topics=("remote-work",), text="Mostly remote."),
            12.0,
        )
        jane.feedback(remote, helpful=True)
        jane.exchange(reply("do you sponsor visas?", Outcome.FALLBACK, text=FALLBACK_EN), 9.0)
        jane.exchange(
            reply("tell me about the pay", Outcome.CLARIFY, suggestions=("salary",), text="Pay?"),
            8.0,
        )
        jane.incoming("1", "en", outcome="command")
        salary = jane.reply(
            reply("1", Outcome.ANSWER, topics=("salary",), confidence=0.8, text="Not stated."), 3.0
        )
        jane.feedback(salary, helpful=False)

        clock.set(TODAY - timedelta(days=3), 11)
        lee = ConversationLog(store, "telegram", "1004", "frontend", display_name="Lee Chen")
        lee.exchange(
            reply(
                "what is the interview process?",
                Outcome.ANSWER,
                topics=("interview",),
                text="Two interviews.",
            ),
            2.0,
        )
        lee.set_status("closed")

        clock.set(TODAY - timedelta(days=5), 14)
        marc = ConversationLog(store, "telegram", "1003", "data", username="marc_d")
        marc.incoming("Wie hoch ist das Gehalt?", "de")
        marc.outgoing("A recruiter will contact you.", "handoff", "en")

        clock.set(TODAY - timedelta(days=400), 12)
        old = ConversationLog(store, "telegram", "999", "backend", display_name="Old Timer")
        old.exchange(
            reply("is it remote?", Outcome.ANSWER, topics=("remote-work",), text="Yes."), 4.0
        )
        old.set_status("closed")
        assert await store.flush()
    review(path, jane.id, "rita", at(TODAY - timedelta(days=2), 9))
    review(path, lee.id, "rita", at(TODAY - timedelta(days=3), 23))
    return InboxData(path, ana.id, pierre.id, jane.id, lee.id, marc.id, old.id)

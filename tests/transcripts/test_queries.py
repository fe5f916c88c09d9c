"""The read-only SQL: filters, id prefixes, messages with feedback, fallback questions."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.store import queries
from bot.store.connections import DatabaseNotFound, NotATranscriptDatabase, check, reading
from bot.store.filters import ConversationFilter
from bot.store.periods import Period
from tests.transcripts.conftest import TODAY, Sample


@pytest.fixture
def db(sample: Sample):
    with reading(sample.path) as connection:
        yield connection


def ids(rows: list[queries.ConversationSummary]) -> list[str]:
    return [row.id for row in rows]


def test_lists_most_recently_active_first_with_counts(db, sample: Sample) -> None:
    rows = queries.conversations(db, ConversationFilter())
    assert ids(rows) == [sample.ana, sample.pierre, sample.jane, sample.old]
    jane = rows[2]
    assert (jane.who, jane.username, jane.candidate) == ("Jane Doe", "janedoe", "telegram:1001")
    assert (jane.posting, jane.status, jane.lang) == ("backend", "open", "en")
    assert (jane.messages, jane.answered, jane.clarify, jane.fallback) == (8, 2, 1, 1)
    assert (jane.helpful, jane.unhelpful) == (1, 1)
    pierre = rows[1]
    assert (pierre.lang, pierre.status, pierre.handoff, pierre.helpful) == (
        "fr",
        "handed_off",
        1,
        1,
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ConversationFilter(posting="frontend"), ["ana"]),
        (ConversationFilter(posting="backend"), ["pierre", "jane", "old"]),
        (ConversationFilter(outcome="clarify"), ["jane"]),
        (ConversationFilter(outcome="smalltalk"), ["ana"]),
        (ConversationFilter(unanswered=True), ["ana", "pierre", "jane"]),
        (ConversationFilter(handed_off=True), ["pierre"]),
        (ConversationFilter(lang="es"), ["ana"]),
        (ConversationFilter(lang="FR"), ["pierre"]),
        (ConversationFilter(period=Period(since=TODAY - timedelta(days=1))), ["ana", "pierre"]),
        (ConversationFilter(period=Period(until=TODAY - timedelta(days=2))), ["jane", "old"]),
        (
            ConversationFilter(period=Period(TODAY - timedelta(days=2), TODAY - timedelta(days=1))),
            ["pierre", "jane"],
        ),
        # Pierre wrote mostly in French, and once in English: he wrote in both.
        (ConversationFilter(posting="backend", unanswered=True, lang="en"), ["pierre", "jane"]),
        (ConversationFilter(lang="en", handed_off=True), ["pierre"]),
        (ConversationFilter(unhelpful=True), ["jane"]),
        (ConversationFilter(search="sponsor"), ["pierre", "jane"]),
        (ConversationFilter(search="Pierre"), ["pierre"]),
    ],
)
def test_filters(db, sample: Sample, filters: ConversationFilter, expected: list[str]) -> None:
    names = {getattr(sample, name): name for name in ("jane", "pierre", "ana", "old")}
    assert [names[i] for i in ids(queries.conversations(db, filters))] == expected
    assert queries.count_conversations(db, filters) == len(expected)


def test_limit_keeps_the_most_recent(db, sample: Sample) -> None:
    assert ids(queries.conversations(db, ConversationFilter(), limit=2)) == [
        sample.ana,
        sample.pierre,
    ]
    assert queries.count_conversations(db, ConversationFilter()) == 4


def test_find_by_full_id_or_unique_prefix(db, sample: Sample) -> None:
    assert queries.find_conversation(db, sample.jane).id == sample.jane
    assert queries.find_conversation(db, "a1b2c").id == sample.jane
    assert queries.find_conversation(db, " C0FFEE ").id == sample.ana


def test_ambiguous_prefix_lists_the_candidates(db, sample: Sample) -> None:
    with pytest.raises(queries.AmbiguousConversation) as caught:
        queries.find_conversation(db, "a1b2")
    assert {m.id for m in caught.value.matches} == {sample.jane, sample.pierre}
    assert "Jane Doe" in str(caught.value) and "Type more characters" in str(caught.value)


@pytest.mark.parametrize("prefix", ["ffff", "", "a1b2c3d4-"])
def test_unknown_prefix(db, prefix: str) -> None:
    with pytest.raises(queries.UnknownConversation):
        queries.find_conversation(db, prefix)


def test_messages_in_order_with_feedback(db, sample: Sample) -> None:
    messages = queries.messages(db, sample.jane)
    assert [m.seq for m in messages] == list(range(1, 9))
    assert [m.direction for m in messages] == ["in", "out"] * 4
    assert messages[1].topics == ("remote-work",) and messages[1].helpful is True
    assert messages[5].outcome == "clarify" and messages[5].topics == ("salary", "benefits")
    assert messages[6].outcome == "command"
    assert messages[7].helpful is False and messages[7].confidence == pytest.approx(0.8)
    assert messages[3].helpful is None


def test_fallback_questions_skip_commands_and_follow_filters(db, sample: Sample) -> None:
    asked = queries.fallback_questions(db, Period())
    assert [q.text for q in asked] == [
        "<script>alert('x')</script> remote?",
        "do you sponser visa",
        "Do you sponsor visas??",
        "do you sponsor visas?",
    ]
    frontend = queries.fallback_questions(db, Period(), "frontend")
    assert {q.conversation for q in frontend} == {sample.ana}
    assert len(queries.fallback_questions(db, Period(since=TODAY))) == 2


async def test_fallback_after_none_of_these_is_the_question_before_it(tmp_path) -> None:
    from bot.core.dialogue import Outcome
    from bot.store import TranscriptStore
    from bot.store.conversation import ConversationLog
    from tests.transcripts.conftest import reply

    path = tmp_path / "bot.sqlite3"
    async with TranscriptStore(path) as store:
        log = ConversationLog(store, "terminal", "me", "backend")
        log.exchange(reply("the teams?", Outcome.CLARIFY, suggestions=("a", "b")), 1.0)
        log.incoming("0", "en", outcome="command")
        log.outgoing("Sorry, I don't know.", "fallback", "en")
    with reading(path) as db:
        assert [q.text for q in queries.fallback_questions(db, Period())] == ["the teams?"]


def test_connection_is_read_only(db) -> None:
    with pytest.raises(DBAPIError, match=r"readonly|read-only"):
        db.execute(text("DELETE FROM messages"))


def test_missing_database_says_how_to_point_at_one(tmp_path) -> None:
    with pytest.raises(DatabaseNotFound, match="BOT_DATABASE or pass --database"):
        check(tmp_path / "nope.sqlite3")
    assert not (tmp_path / "nope.sqlite3").exists()


def test_a_file_that_is_not_a_transcript_database(tmp_path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(NotATranscriptDatabase, match="schema version 0"):
        check(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 200)
    with pytest.raises(NotATranscriptDatabase):
        check(text)


def test_candidate_footprint(db) -> None:
    assert queries.candidate_footprint(db, "telegram:1001") == ("Jane Doe", 1, 8)
    assert queries.candidate_footprint(db, "web:ana-77") == ("Ana López", 1, 6)
    assert queries.candidate_footprint(db, "telegram:0") == (None, 0, 0)

"""Trends figures: the same as `transcripts stats` over the same data, and by hand.

The sample is tests/transcripts' `build_sample` (its docstring works the figures
out); `stats` reads every message into Python, Trends aggregates in SQL, so
agreement between the two is the strong check.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection

from bot.core.dialogue import Outcome
from bot.store import TranscriptStore, queries
from bot.store import conversation as conversation_module
from bot.store.connections import reading
from bot.store.conversation import ConversationLog
from bot.store.periods import Period, last_days
from bot.store.queries import REPLY_OUTCOMES
from bot.store.trends import (
    DEFAULT_DAYS,
    MAX_DAYS,
    PeriodError,
    Trends,
    parse_period,
    preset_of,
    trends,
)
from bot.transcripts.stats import Stats, compute
from tests.transcripts.conftest import TODAY, Clock, Sample, build_sample, reply


@pytest.fixture
def db(sample_db: Sample) -> Iterator[Connection]:
    """The sample on each database."""
    with reading(sample_db.path) as connection:
        yield connection


@pytest.fixture
async def sqlite_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """The sample in a SQLite file, for SQLite's query plans."""
    sample = await build_sample(tmp_path / "bot.sqlite3", monkeypatch)
    monkeypatch.undo()
    with reading(sample.path) as connection:
        yield connection


def both(db: Connection, period: Period, posting: str | None = None) -> tuple[Trends, Stats]:
    return trends(db, period, posting), compute(
        queries.scoped_messages(db, period, posting), period, posting
    )


def assert_agree(t: Trends, s: Stats) -> None:
    """Every figure Trends shares with `stats` is equal."""
    assert (t.total.messages, t.total.questions, t.total.replies) == (
        s.messages,
        s.questions,
        s.replies,
    )
    assert {o: t.total.outcome(o) for o in REPLY_OUTCOMES} == s.outcomes
    for outcome, rate in (
        ("answer", t.total.answer_rate),
        ("clarify", t.total.clarify_rate),
        ("fallback", t.total.fallback_rate),
    ):
        assert rate == s.rate(outcome)
    assert {c.label: c.count for c in t.topics} == dict(s.topics)
    assert (t.feedback.helpful, t.feedback.votes, t.feedback.ratio) == (
        s.helpful,
        s.votes,
        s.helpful_ratio,
    )
    assert {c.label: c.count for c in t.languages} == {
        lang.label: lang.questions for lang in s.languages if lang.questions
    }
    per_day = [(str(d.day), d.figures) for d in t.days]
    assert [
        (day, f.questions, f.replies, f.answered, f.clarify, f.fallback) for day, f in per_day
    ] == [(d.label, d.questions, d.replies, d.answered, d.clarify, d.fallback) for d in s.days]


@pytest.mark.parametrize(
    "period",
    [
        last_days(30),
        last_days(1),
        Period(TODAY - timedelta(days=2), TODAY - timedelta(days=1)),
        Period(TODAY - timedelta(days=400), TODAY),  # the old conversation too
        Period(TODAY - timedelta(days=400), TODAY - timedelta(days=400)),
    ],
    ids=["30 days", "today", "two days", "401 days", "the old day"],
)
@pytest.mark.parametrize("posting", [None, "backend", "frontend"])
def test_agrees_with_stats(db: Connection, period: Period, posting: str | None) -> None:
    assert_agree(*both(db, period, posting))


def test_the_last_30_days_by_hand(db: Connection) -> None:
    t = trends(db, last_days(30), None)
    total = t.total
    assert (total.messages, total.questions, total.replies) == (19, 8, 10)
    assert (total.answered, total.clarify, total.fallback, total.handoff, total.smalltalk) == (
        3,
        1,
        4,
        1,
        1,
    )
    assert total.answer_rate == pytest.approx(0.3)
    assert total.clarify_rate == pytest.approx(0.1)
    assert total.fallback_rate == pytest.approx(0.4)
    assert [(c.label, c.count) for c in t.topics] == [("salary", 2), ("remote-work", 1)]
    # Questions in their own language: Pierre's English visa question counts as English.
    assert [(c.label, c.count) for c in t.languages] == [("en", 4), ("es", 3), ("fr", 1)]
    assert (t.feedback.helpful, t.feedback.unhelpful, t.feedback.votes) == (2, 1, 3)
    assert t.feedback.ratio == pytest.approx(2 / 3)


def test_every_day_of_the_period_is_listed(db: Connection) -> None:
    t = trends(db, last_days(30), None)
    assert [d.day for d in t.days] == last_days(30).days()
    busy = {d.day: d.figures for d in t.days if d.figures.messages}
    assert {day: (f.messages, f.questions, f.replies, f.fallback) for day, f in busy.items()} == {
        TODAY - timedelta(days=2): (8, 3, 4, 1),
        TODAY - timedelta(days=1): (5, 2, 3, 1),
        TODAY: (6, 3, 3, 2),
    }
    quiet = t.days[0].figures
    assert quiet.messages == 0 and quiet.answer_rate is None and quiet.fallback_rate is None


def test_a_posting_narrows_every_figure(db: Connection) -> None:
    t = trends(db, last_days(30), "frontend")
    assert (t.total.messages, t.total.replies) == (6, 3)
    assert t.total.fallback_rate == pytest.approx(2 / 3)
    assert t.topics == ()  # Ana's "hola" is small talk, not an answered topic
    assert [(c.label, c.count) for c in t.languages] == [("es", 3)]
    assert t.feedback.votes == 0 and t.feedback.ratio is None
    assert trends(db, last_days(30), "no-such-posting").total.messages == 0


def test_an_empty_period_has_zeros_and_no_rates(db: Connection) -> None:
    period = Period(TODAY + timedelta(days=5), TODAY + timedelta(days=6))
    t = trends(db, period, None)
    assert len(t.days) == 2 and all(d.figures.messages == 0 for d in t.days)
    assert t.total.replies == 0 and t.total.answer_rate is None
    assert t.topics == () and t.languages == ()
    assert t.feedback.votes == 0 and t.feedback.ratio is None


def test_an_open_period_is_refused(db: Connection) -> None:
    with pytest.raises(ValueError, match="closed period"):
        trends(db, Period(since=TODAY), None)


def test_postings_lists_each_once(db: Connection) -> None:
    assert queries.postings(db) == ["backend", "frontend"]


@pytest.mark.parametrize("posting", [None, "backend"])
def test_reads_go_through_indexes(sqlite_db: Connection, posting: str | None) -> None:
    """The counts read messages_by_day, the feedback looks messages up by id; nothing
    walks the table of messages (or a posting's whole history): that keeps the page
    fast at 100,000 messages."""
    statements: list[str] = []
    driver = sqlite_db.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    driver.set_trace_callback(statements.append)
    trends(sqlite_db, last_days(30), posting)
    driver.set_trace_callback(None)
    plans = {
        sql: [row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements
    }
    assert len(plans) == 3
    for sql, plan in plans.items():
        messages = [step for step in plan if " messages " in f"{step} " or " m " in f"{step} "]
        assert messages, (sql, plan)
        for step in messages:
            assert step.startswith("SEARCH"), (sql, plan)
            assert "messages_by_day" in step or "autoindex_messages" in step, (sql, plan)
    (per_day,) = [plan for sql, plan in plans.items() if "GROUP BY substr" in sql]
    assert not any("TEMP B-TREE" in step for step in per_day)  # streamed, no sort


# -- the edges of a day, and messages with no language ---------------------------------


async def test_days_end_at_midnight_utc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question at 23:59 and its reply at 00:00 fall on two days."""
    path = tmp_path / "bot.sqlite3"
    clock = Clock()
    monkeypatch.setattr(conversation_module, "now", clock)
    day = TODAY - timedelta(days=3)
    async with TranscriptStore(path) as store:
        clock.moment = datetime(day.year, day.month, day.day, 23, 56, tzinfo=UTC)
        log = ConversationLog(store, "web", "late", "backend")  # 23:57, 23:58
        # The question at 23:59, the answer at 00:00.
        log.exchange(reply("is it remote?", Outcome.ANSWER, topics=("remote-work",)), 1.0)
        log.incoming("hmm", lang=None)  # 00:01, a question with no language
        assert await store.flush()
    with reading(path) as db:
        t, s = both(db, Period(day, day + timedelta(days=1)))
        assert_agree(t, s)
    first, second = (d.figures for d in t.days)
    assert (first.messages, first.questions, first.replies) == (1, 1, 0)
    assert (second.messages, second.questions, second.replies) == (2, 1, 1)
    assert [(c.label, c.count) for c in t.languages] == [("en", 1), ("unknown", 1)]


# -- the period a recruiter asks for -----------------------------------------------------

NOW = date(2025, 6, 30)


def test_no_choice_is_the_last_30_days() -> None:
    assert parse_period(now=NOW) == last_days(DEFAULT_DAYS, now=NOW)
    assert parse_period("", " ", "", now=NOW) == last_days(DEFAULT_DAYS, now=NOW)


@pytest.mark.parametrize("days", ["7", "30", " 90 ", "1", str(MAX_DAYS)])
def test_the_last_few_days(days: str) -> None:
    assert parse_period(days, now=NOW) == last_days(int(days), now=NOW)


def test_dates() -> None:
    assert parse_period(since="2025-06-01", until="2025-06-10", now=NOW) == Period(
        date(2025, 6, 1), date(2025, 6, 10)
    )
    assert parse_period(since="2025-06-20", now=NOW) == Period(date(2025, 6, 20), NOW)
    assert parse_period(until="2025-06-10", now=NOW) == Period(date(2025, 5, 12), date(2025, 6, 10))
    assert parse_period(since="2025-06-30", until="2025-06-30", now=NOW).days() == [NOW]
    # Where the recruiter is, it may already be tomorrow.
    assert parse_period(until="2025-07-01", now=NOW).until == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("days", "since", "until", "message"),
    [
        ("abc", None, None, "“abc” is not a number of days. Choose the last 7, 30 or 90"),
        ("0", None, None, f"Choose between 1 and {MAX_DAYS} days."),
        ("-7", None, None, f"Choose between 1 and {MAX_DAYS} days."),
        ("9999999", None, None, f"Choose between 1 and {MAX_DAYS} days."),
        ("7", "2025-06-01", None, "either the last few days or two dates, not both"),
        (None, "31/12/2024", None, "The start date “31/12/2024” is not a date we can read"),
        (None, None, "yesterday", "type it as year-month-day, for example 2025-06-30"),
        (
            None,
            "2025-06-10",
            "2025-06-01",
            "The start date (10 June 2025) is after the end date (1 June 2025).",
        ),
        (None, "2023-01-01", "2025-06-01", "That period is 883 days long; Trends shows at most"),
        (None, None, "2025-07-02", "The end date (2 July 2025) is in the future."),
        (None, None, "9999-12-31", "is in the future"),
        (None, "1999-12-31", None, "Pick a date from 2000 onwards."),
    ],
)
def test_a_bad_choice_says_what_to_do(
    days: str | None, since: str | None, until: str | None, message: str
) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(days, since, until, now=NOW)
    assert message in str(caught.value)
    assert "Error" not in str(caught.value) and "ValueError" not in str(caught.value)


def test_preset_of() -> None:
    assert preset_of(last_days(7, now=NOW), now=NOW) == 7
    assert preset_of(last_days(90, now=NOW), now=NOW) == 90
    assert preset_of(last_days(14, now=NOW), now=NOW) is None
    assert preset_of(Period(date(2025, 6, 1), date(2025, 6, 7)), now=NOW) is None

"""Stats figures against the ones worked out by hand in conftest.build_sample."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import queries
from bot.store.connections import reading
from bot.store.periods import Period, last_days
from bot.transcripts.stats import compute
from tests.transcripts.conftest import TODAY, Sample


def figures(sample: Sample, period: Period, posting: str | None = None):
    with reading(sample.path) as db:
        return compute(queries.scoped_messages(db, period, posting), period, posting)


def test_last_30_days(sample: Sample) -> None:
    stats = figures(sample, last_days(30))
    assert (stats.conversations, stats.messages, stats.questions, stats.replies) == (3, 19, 8, 10)
    assert stats.outcomes == {
        "answer": 3,
        "not_stated": 0,
        "clarify": 1,
        "fallback": 4,
        "handoff": 1,
        "smalltalk": 1,
    }
    assert stats.rate("answer") == pytest.approx(0.3)
    assert stats.rate("fallback") == pytest.approx(0.4)
    assert stats.handed_off == 1
    assert stats.topics == (("salary", 2), ("remote-work", 1))
    assert (stats.helpful, stats.votes) == (2, 3)
    assert stats.helpful_ratio == pytest.approx(2 / 3)


def test_per_language_is_the_language_of_the_question(sample: Sample) -> None:
    by_lang = {t.label: t for t in figures(sample, last_days(30)).languages}
    assert list(by_lang) == ["en", "es", "fr"]  # most questions first
    en, es, fr = by_lang["en"], by_lang["es"], by_lang["fr"]
    # Pierre's handoff (written in French) answers his English visa question.
    assert (en.questions, en.replies, en.answered, en.fallback) == (4, 6, 2, 2)
    assert (es.questions, es.replies, es.answered, es.fallback) == (3, 3, 0, 2)
    assert (fr.questions, fr.replies, fr.answered, fr.fallback) == (1, 1, 1, 0)


def test_per_day_covers_every_day_of_the_period(sample: Sample) -> None:
    stats = figures(sample, last_days(30))
    assert len(stats.days) == 30 and stats.days[-1].label == str(TODAY)
    busy = {t.label: t for t in stats.days if t.replies}
    assert {
        day: (t.conversations, t.questions, t.replies, t.answered, t.clarify, t.fallback)
        for day, t in busy.items()
    } == {
        str(TODAY - timedelta(days=2)): (1, 3, 4, 2, 1, 1),
        str(TODAY - timedelta(days=1)): (1, 2, 3, 1, 0, 1),
        str(TODAY): (1, 3, 3, 0, 0, 2),
    }


def test_posting_and_period_narrow_the_figures(sample: Sample) -> None:
    frontend = figures(sample, last_days(30), "frontend")
    assert (frontend.conversations, frontend.messages, frontend.replies) == (1, 6, 3)
    assert frontend.rate("fallback") == pytest.approx(2 / 3)
    assert frontend.votes == 0 and frontend.helpful_ratio is None
    assert frontend.handed_off == 0
    everything = figures(sample, Period())
    assert everything.conversations == 4 and everything.messages == 21
    assert len(everything.days) == 401  # from the old conversation's day to today


def test_an_empty_period_has_no_rates(sample: Sample) -> None:
    empty = figures(sample, Period(TODAY + timedelta(days=5), TODAY + timedelta(days=6)))
    assert empty.replies == 0 and empty.rate("answer") is None
    assert empty.as_json()["rates"]["answer"] is None

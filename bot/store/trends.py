"""The figures of the console's Trends page, aggregated in SQL for one period.

The definitions are those of `transcripts stats` (bot.transcripts.stats, and the
README): a question is a candidate message that is not a command; a reply is a
bot message whose outcome is one of REPLY_OUTCOMES; rates are shares of replies;
the feedback ratio is helpful votes over all votes on the period's replies.

One difference: Trends counts languages by questions only (each question's own
language), which are exactly `stats`' per-language question counts. It shows no
per-language reply rates, because `stats` files a reply under the language of
the question it answers, and finding that question costs a lookup per reply,
too slow for a page over 100,000 messages. The stored language of a reply is
no substitute: the bot answers a German question in English.

The counts are aggregates over the covering index `messages_by_day` (schema v5),
never over the table with its texts, so their cost follows the number of messages
in the period; the feedback walks the votes, far fewer than the messages, and looks
each one's message up by id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Connection

from bot.core.vocabulary import REPLY_OUTCOMES
from bot.store.periods import Period, last_days, today
from bot.store.sql import is_sqlite, run

DEFAULT_DAYS = 30
PRESET_DAYS = (7, 30, 90)
MAX_DAYS = 366
# No message is older than the bot; an earlier date is a typing slip.
EARLIEST_DAY = date(2000, 1, 1)
UNKNOWN_LANGUAGE = "unknown"
TOP_TOPICS = 10  # as `transcripts stats` shows

# The day of a stored UTC timestamp ('2025-06-01T09:30:00.000+00:00'). Written
# exactly as in the index messages_by_day, so SQLite reads the index, not the table.
_DAY = "substr(created_at, 1, 10)"


@dataclass(frozen=True, slots=True)
class Figures:
    """Message counts for one day or a whole period."""

    messages: int = 0
    questions: int = 0
    replies: int = 0
    answered: int = 0
    not_stated: int = 0
    clarify: int = 0
    fallback: int = 0
    handoff: int = 0
    smalltalk: int = 0

    def share(self, count: int) -> float | None:
        """`count` as a share of the replies; None when there was no reply."""
        return count / self.replies if self.replies else None

    @property
    def answer_rate(self) -> float | None:
        return self.share(self.answered)

    @property
    def clarify_rate(self) -> float | None:
        return self.share(self.clarify)

    @property
    def fallback_rate(self) -> float | None:
        return self.share(self.fallback)

    def outcome(self, outcome: str) -> int:
        """The number of replies with `outcome`, one of REPLY_OUTCOMES."""
        return {
            "answer": self.answered,
            "not_stated": self.not_stated,
            "clarify": self.clarify,
            "fallback": self.fallback,
            "handoff": self.handoff,
            "smalltalk": self.smalltalk,
        }[outcome]


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    figures: Figures


@dataclass(frozen=True, slots=True)
class Count:
    """A label (a topic, a language) and how often it occurred."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Feedback:
    """The candidates' votes on the period's replies."""

    helpful: int = 0
    votes: int = 0

    @property
    def unhelpful(self) -> int:
        return self.votes - self.helpful

    @property
    def ratio(self) -> float | None:
        """Helpful votes over all votes; None when nobody voted."""
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True, slots=True)
class Trends:
    period: Period  # closed: both ends set
    posting: str | None
    total: Figures
    days: tuple[Day, ...]  # every day of the period, in order, zeros included
    topics: tuple[Count, ...]  # answered topics, most answers first, at most TOP_TOPICS
    languages: tuple[Count, ...]  # questions per language, most questions first
    feedback: Feedback = field(default_factory=Feedback)


def trends(db: Connection, period: Period, posting: str | None) -> Trends:
    """The figures of a closed `period`, for one posting or (None) all of them."""
    if not (period.since and period.until):
        raise ValueError("trends need a closed period")
    days = period.days()
    # The unary + keeps SQLite on messages_by_day rather than reading every message of
    # the posting, whatever its date, through messages_by_conversation and the table:
    # the cost then follows the period, not the posting's whole history.
    plus = "+" if is_sqlite(db) else ""
    of_posting = f" AND {plus}conversation IN (SELECT id FROM conversations WHERE posting = ?)"
    posting_params = [posting] if posting else []

    # Grouped in the order of messages_by_day: SQLite streams the groups, no sort.
    counts = run(
        db,
        f"""SELECT {_DAY}, direction, outcome, lang, count(*) FROM messages
        WHERE {_DAY} BETWEEN ? AND ?{of_posting if posting else ""}
        GROUP BY {_DAY}, direction, outcome, lang""",
        [str(period.since), str(period.until), *posting_params],
    ).fetchall()
    # Day by day, SQLite jumps straight to the index entries of the day's answers.
    answered_topics = run(
        db,
        f"""SELECT topics, count(*) FROM messages
        WHERE {_DAY} IN ({", ".join("?" * len(days))}) AND direction = 'out'
            AND outcome = 'answer'{of_posting if posting else ""}
        GROUP BY topics""",
        [*map(str, days), *posting_params],
    ).fetchall()
    feedback = _feedback(db, period, posting)

    by_day: dict[str, _Tally] = {}
    languages: Counter[str] = Counter()
    for day, direction, outcome, lang, count in counts:
        tally = by_day.setdefault(day, _Tally())
        tally.add(direction, outcome, count)
        if _is_question(direction, outcome):
            languages[lang or UNKNOWN_LANGUAGE] += count
    listed = tuple(
        Day(d, by_day[str(d)].figures() if str(d) in by_day else Figures()) for d in days
    )
    topics: Counter[str] = Counter()
    for joined, count in answered_topics:
        for topic in joined.split(","):
            if topic:
                topics[topic] += count
    return Trends(
        period=period,
        posting=posting,
        total=_sum(d.figures for d in listed),
        days=listed,
        topics=_ranked(topics)[:TOP_TOPICS],
        languages=_ranked(languages),
        feedback=feedback,
    )


def _feedback(db: Connection, period: Period, posting: str | None) -> Feedback:
    # Votes are far fewer than messages: walk them and look each message up by id
    # (SQLite's CROSS JOIN keeps that order), rather than walk the period's replies.
    join = "CROSS JOIN" if is_sqlite(db) else "JOIN"
    sql = f"""SELECT count(*), coalesce(sum(f.helpful), 0)
        FROM feedback f {join} messages m ON m.id = f.message
        WHERE m.created_at >= ? AND m.created_at < ? AND m.direction = 'out'
            AND m.outcome IN ({", ".join("?" * len(REPLY_OUTCOMES))})"""
    params: list[object] = [period.lower, period.upper, *REPLY_OUTCOMES]
    if posting:
        sql += " AND m.conversation IN (SELECT id FROM conversations WHERE posting = ?)"
        params.append(posting)
    votes, helpful = run(db, sql, params).one()
    return Feedback(helpful=int(helpful), votes=int(votes))


def _is_question(direction: str, outcome: str | None) -> bool:
    return direction == "in" and outcome != "command"


class _Tally:
    """Counts for one day as the grouped rows arrive."""

    __slots__ = ("messages", "outcomes", "questions")

    def __init__(self) -> None:
        self.messages = 0
        self.questions = 0
        self.outcomes: Counter[str] = Counter()

    def add(self, direction: str, outcome: str | None, count: int) -> None:
        self.messages += count
        if _is_question(direction, outcome):
            self.questions += count
        elif direction == "out" and outcome in REPLY_OUTCOMES:
            self.outcomes[outcome] += count

    def figures(self) -> Figures:
        o = self.outcomes
        return Figures(
            messages=self.messages,
            questions=self.questions,
            replies=o.total(),
            answered=o["answer"],
            not_stated=o["not_stated"],
            clarify=o["clarify"],
            fallback=o["fallback"],
            handoff=o["handoff"],
            smalltalk=o["smalltalk"],
        )


def _sum(figures: Iterable[Figures]) -> Figures:
    every = list(figures)
    return Figures(**{f.name: sum(getattr(x, f.name) for x in every) for f in fields(Figures)})


def _ranked(counts: Counter[str]) -> tuple[Count, ...]:
    """Most frequent first; ties in alphabetical order, so the page is stable."""
    return tuple(
        Count(label, n) for label, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    )


# -- the period a recruiter asks for ----------------------------------------------------


class PeriodError(ValueError):
    """A period that cannot be shown; the message tells a recruiter what to pick instead."""


def parse_period(
    days: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    now: date | None = None,
) -> Period:
    """The period of the query string: `days` (the last N days, today included) or
    `since`/`until` dates (YYYY-MM-DD, as a date field sends them; either may be
    left out). Nothing given: the last DEFAULT_DAYS days. Empty fields count as
    not given, since an HTML form sends them empty."""
    now = now or today()
    days, since, until = (_given(v) for v in (days, since, until))
    if days is not None and (since or until):
        raise PeriodError("Choose either the last few days or two dates, not both.")
    if days is not None:
        try:
            count = int(days)
        except ValueError:
            raise PeriodError(
                f"“{days}” is not a number of days. Choose the last 7, 30 or 90 days, "
                "or pick two dates."
            ) from None
        if not 1 <= count <= MAX_DAYS:
            raise PeriodError(f"Choose between 1 and {MAX_DAYS} days.")
        return last_days(count, now=now)
    if since is None and until is None:
        return last_days(DEFAULT_DAYS, now=now)
    end = _day(until, "end", now) if until else now
    if since:
        start = _day(since, "start", now)
    else:  # the DEFAULT_DAYS days up to the end date
        start = max(end - timedelta(days=DEFAULT_DAYS - 1), EARLIEST_DAY)
    if start > end:
        raise PeriodError(
            f"The start date ({_spoken(start)}) is after the end date ({_spoken(end)}). "
            "Pick a start date on or before the end date."
        )
    length = (end - start).days + 1
    if length > MAX_DAYS:
        raise PeriodError(
            f"That period is {length} days long; Trends shows at most {MAX_DAYS} days "
            "at a time. Pick a shorter period."
        )
    return Period(start, end)


def preset_of(period: Period, *, now: date | None = None) -> int | None:
    """Which of PRESET_DAYS `period` is (the last N days), if any; for the page's links."""
    return next((n for n in PRESET_DAYS if period == last_days(n, now=now or today())), None)


def _given(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _day(text: str, which: str, now: date) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"The {which} date “{text}” is not a date we can read. Pick it from the "
            f"calendar, or type it as year-month-day, for example {now.isoformat()}."
        ) from None
    if day < EARLIEST_DAY:
        raise PeriodError(
            f"The {which} date ({_spoken(day)}) is before any conversation. "
            f"Pick a date from {EARLIEST_DAY.year} onwards."
        )
    # Up to a day ahead of UTC: where a recruiter is, it may already be tomorrow.
    if day > now + timedelta(days=1):
        raise PeriodError(
            f"The {which} date ({_spoken(day)}) is in the future. Pick today or an earlier day."
        )
    return day


def _spoken(day: date) -> str:
    """'1 June 2025': no one misreads it as 6 January."""
    return f"{day.day} {day:%B %Y}"

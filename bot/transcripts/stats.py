"""The figures of `transcripts stats`, computed from the messages of a period. Pure.

Definitions (the README and the report both use them):
- a question is a message from the candidate that is not a command;
- a bot reply is a message from the bot whose outcome is one of REPLY_OUTCOMES,
  so a command's answer (the topic list) is not a reply; rates are shares of replies;
- a conversation counts if it has a message in the period; it is handed off if
  its status is handed_off or the bot handed it off in the period;
- a reply's language is the language of the question it answers;
- the feedback ratio is helpful votes over all votes on the period's replies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from bot.core.vocabulary import REPLY_OUTCOMES, Direction, Outcome, Status
from bot.store.periods import Period
from bot.store.queries import ScopedMessage
from bot.store.trends import TOP_TOPICS


@dataclass(frozen=True, slots=True)
class Tally:
    """Questions and reply outcomes for one language or one day."""

    label: str
    conversations: int
    questions: int
    replies: int
    answered: int
    clarify: int
    fallback: int

    def share(self, count: int) -> float | None:
        return count / self.replies if self.replies else None

    def as_json(self) -> dict[str, object]:
        return {
            "conversations": self.conversations,
            "questions": self.questions,
            "replies": self.replies,
            "answered": self.answered,
            "clarify": self.clarify,
            "fallback": self.fallback,
            "answer_rate": _rounded(self.share(self.answered)),
            "fallback_rate": _rounded(self.share(self.fallback)),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    period: Period
    posting: str | None
    conversations: int
    messages: int
    questions: int
    replies: int
    outcomes: dict[str, int]  # every REPLY_OUTCOME, zeros included
    handed_off: int  # conversations
    topics: tuple[tuple[str, int], ...]  # answered topics, most frequent first
    helpful: int
    votes: int
    languages: tuple[Tally, ...]  # most questions first
    days: tuple[Tally, ...]  # every day of the period, in order

    def rate(self, outcome: str) -> float | None:
        """The share of bot replies with `outcome`; None when there was no reply."""
        return self.outcomes[outcome] / self.replies if self.replies else None

    @property
    def helpful_ratio(self) -> float | None:
        return self.helpful / self.votes if self.votes else None

    def as_json(self) -> dict[str, object]:
        return {
            "since": str(self.period.since) if self.period.since else None,
            "until": str(self.period.until) if self.period.until else None,
            "posting": self.posting,
            "conversations": self.conversations,
            "messages": self.messages,
            "questions": self.questions,
            "replies": self.replies,
            "outcomes": dict(self.outcomes),
            "rates": {o: _rounded(self.rate(o)) for o in REPLY_OUTCOMES},
            "handed_off_conversations": self.handed_off,
            "top_topics": [{"topic": t, "answers": n} for t, n in self.topics],
            "feedback": {
                "helpful": self.helpful,
                "votes": self.votes,
                "helpful_ratio": _rounded(self.helpful_ratio),
            },
            "languages": {t.label: t.as_json() for t in self.languages},
            "days": {t.label: t.as_json() for t in self.days},
        }


def compute(messages: Iterable[ScopedMessage], period: Period, posting: str | None) -> Stats:
    """The period's figures; `period` must be closed (both ends set) to list its days."""
    scoped = list(messages)
    replies = [m for m in scoped if _is_reply(m)]
    handed_off = {
        m.conversation
        for m in scoped
        if m.status == Status.HANDED_OFF or m.outcome == Outcome.HANDOFF
    }
    topics = Counter(t for m in replies if m.outcome == Outcome.ANSWER for t in m.topics)
    votes = [m.helpful for m in replies if m.helpful is not None]
    languages = sorted(
        _tallies(scoped, lambda m: m.lang or "unknown").values(),
        key=lambda t: (-t.questions, -t.replies, t.label),
    )
    by_day = _tallies(scoped, lambda m: m.day)
    days = [by_day.get(str(d)) or Tally(str(d), 0, 0, 0, 0, 0, 0) for d in _days(period, by_day)]
    return Stats(
        period=period,
        posting=posting,
        conversations=len({m.conversation for m in scoped}),
        messages=len(scoped),
        questions=sum(1 for m in scoped if _is_question(m)),
        replies=len(replies),
        outcomes={o: sum(1 for m in replies if m.outcome == o) for o in REPLY_OUTCOMES},
        handed_off=len(handed_off),
        topics=tuple(topics.most_common(TOP_TOPICS)),
        helpful=sum(votes),
        votes=len(votes),
        languages=tuple(languages),
        days=tuple(days),
    )


def _is_question(m: ScopedMessage) -> bool:
    return m.direction == Direction.IN and m.outcome != Outcome.COMMAND


def _is_reply(m: ScopedMessage) -> bool:
    return m.direction == "out" and m.outcome in REPLY_OUTCOMES


def _tallies(scoped: list[ScopedMessage], key: Callable[[ScopedMessage], str]) -> dict[str, Tally]:
    groups: dict[str, list[ScopedMessage]] = {}
    for m in scoped:
        groups.setdefault(key(m), []).append(m)
    return {label: _tally(label, members) for label, members in groups.items()}


def _tally(label: str, members: list[ScopedMessage]) -> Tally:
    replies = [m for m in members if _is_reply(m)]
    return Tally(
        label=label,
        conversations=len({m.conversation for m in members}),
        questions=sum(1 for m in members if _is_question(m)),
        replies=len(replies),
        answered=sum(1 for m in replies if m.outcome == Outcome.ANSWER),
        clarify=sum(1 for m in replies if m.outcome == Outcome.CLARIFY),
        fallback=sum(1 for m in replies if m.outcome == Outcome.FALLBACK),
    )


def _days(period: Period, seen: dict[str, Tally]) -> list[date]:
    """The period's days; an open end is closed at the first or last day with messages."""
    known = sorted(date.fromisoformat(d) for d in seen)
    since = period.since or (known[0] if known else None)
    until = period.until or (known[-1] if known else None)
    if since is None or until is None or since > until:
        return []
    return Period(since, until).days()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

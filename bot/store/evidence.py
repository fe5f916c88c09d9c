"""What the transcripts say about the knowledge base: each question and what became of it.

Read-only, over a reader from `bot.store.connections`. A channel logs
a question as an incoming message with no outcome, immediately followed by the
bot's reply (`ConversationLog.exchange`); a "did you mean" choice is the next
incoming message, a `command` that names the chosen topic (Telegram) or a
`command` followed by the answer to one of the suggested topics (the terminal).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from bot.core.vocabulary import Direction, Outcome
from bot.store.filters import scope
from bot.store.migrations.revision import revision_of
from bot.store.periods import Period
from bot.store.queries import QUESTION_BEFORE_FALLBACK
from bot.store.sql import run

ANSWER, CLARIFY, FALLBACK, NOT_STATED = (
    Outcome.ANSWER,
    Outcome.CLARIFY,
    Outcome.FALLBACK,
    Outcome.NOT_STATED,
)
# Schema v4 added the notifications table.
NOTIFICATIONS_VERSION = 4


@dataclass(frozen=True, slots=True)
class Asked:
    """A candidate's question, the bot's reply to it, and what the candidate did next."""

    text: str
    lang: str | None
    at: str
    conversation: str
    candidate: str
    posting: str
    outcome: str  # the reply's: answer, not_stated, clarify or fallback
    topics: tuple[str, ...]  # answered topics, or the "did you mean" suggestions
    helpful: bool | None = None  # feedback on an answer
    chosen: str | None = None  # the topic picked after "did you mean"
    rejected: bool = False  # "none of these" after "did you mean"


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    direction: str
    text: str
    outcome: str | None
    topics: tuple[str, ...]
    lang: str | None
    at: str
    helpful: bool | None


def questions(db: Connection, period: Period, posting: str | None = None) -> list[Asked]:
    """Every question asked within `period` that got an answer, a clarify or a fallback."""
    # Conversations that overlap the period.
    where, params = scope(period, posting, lower="c.last_activity_at", upper="c.started_at")
    where.append("1=1")
    rows = run(
        db,
        f"""SELECT m.conversation, c.candidate, c.posting, m.id, m.direction, m.text,
            m.outcome, m.topics, m.lang, m.created_at, f.helpful
        FROM conversations c
        JOIN messages m ON m.conversation = c.id
        LEFT JOIN feedback f ON f.message = m.id
        WHERE {" AND ".join(where)}
        ORDER BY m.conversation, m.seq, m.created_at""",
        params,
    ).mappings()
    found: list[Asked] = []
    current: str | None = None
    batch: list[_Row] = []
    owner = ("", "")
    for row in rows:
        if row["conversation"] != current:
            found.extend(_walk(current, owner, batch, period))
            current, owner, batch = row["conversation"], (row["candidate"], row["posting"]), []
        batch.append(
            _Row(
                id=row["id"],
                direction=row["direction"],
                text=row["text"],
                outcome=row["outcome"],
                topics=tuple(t for t in row["topics"].split(",") if t),
                lang=row["lang"],
                at=row["created_at"],
                helpful=None if row["helpful"] is None else bool(row["helpful"]),
            )
        )
    found.extend(_walk(current, owner, batch, period))
    return found


def _walk(
    conversation: str | None, owner: tuple[str, str], rows: Sequence[_Row], period: Period
) -> Iterator[Asked]:
    if conversation is None:
        return
    candidate, posting = owner
    for i, question in enumerate(rows):
        if question.direction != "in" or question.outcome is not None:
            continue  # commands, button presses, hand-off requests are not questions
        if period.lower and question.at < period.lower:
            continue
        if period.upper and question.at >= period.upper:
            continue
        reply = _at(rows, i + 1)
        if reply is None or reply.direction != "out":
            continue
        if reply.outcome not in (ANSWER, CLARIFY, FALLBACK, NOT_STATED):
            continue  # small talk, a hand-off, a command's answer
        chosen, rejected = (
            _choice(rows, i + 2, reply.topics) if reply.outcome == CLARIFY else (None, False)
        )
        yield Asked(
            text=question.text,
            lang=question.lang,
            at=question.at,
            conversation=conversation,
            candidate=candidate,
            posting=posting,
            outcome=reply.outcome,
            topics=reply.topics,
            helpful=reply.helpful if reply.outcome == ANSWER else None,
            chosen=chosen,
            rejected=rejected,
        )


def _choice(
    rows: Sequence[_Row], start: int, suggested: tuple[str, ...]
) -> tuple[str | None, bool]:
    """(the topic picked after "did you mean", whether the candidate said none fits)."""
    pick = _at(rows, start)
    if pick is None or pick.direction != Direction.IN or pick.outcome != Outcome.COMMAND:
        return None, False  # the candidate asked something else instead
    if pick.topics:
        return (pick.topics[0], False) if pick.topics[0] in suggested else (None, False)
    answer = _at(rows, start + 1)
    if (
        answer
        and answer.direction == "out"
        and answer.outcome == ANSWER
        and answer.topics
        and answer.topics[0] in suggested
    ):
        return answer.topics[0], False
    return None, True


def _at(rows: Sequence[_Row], index: int) -> _Row | None:
    return rows[index] if index < len(rows) else None


# -- for notify ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A question the bot fell back on, with who asked it and where to reach them."""

    text: str
    lang: str | None
    at: str
    conversation: str
    posting: str
    candidate: str
    channel: str | None
    external_id: str | None
    display_name: str | None
    username: str | None
    language: str | None  # the candidate's (Telegram) language

    @property
    def who(self) -> str:
        if self.display_name:
            return self.display_name
        return f"@{self.username}" if self.username else "-"


def fallbacks(
    db: Connection, period: Period, active_since: str, posting: str | None = None
) -> list[UnansweredQuestion]:
    """The question before each fallback within `period`, in conversations active since
    `active_since` (the retention cut-off), newest first."""
    where, params = scope(period, posting, lower="f.created_at", upper="f.created_at")
    # A "not stated" reply is unanswered too: an admin's new fact may answer it now.
    where += [
        "f.direction = 'out'",
        "f.outcome IN ('fallback', 'not_stated')",
        "c.last_activity_at >= ?",
    ]
    params.append(active_since)
    rows = run(
        db,
        f"""SELECT q.text, q.lang, q.created_at, q.conversation, c.posting, c.candidate,
            k.channel, k.external_id, k.display_name, k.username, k.language
        FROM messages f
        JOIN conversations c ON c.id = f.conversation
        LEFT JOIN candidates k ON k.key = c.candidate
        {QUESTION_BEFORE_FALLBACK}
        WHERE {" AND ".join(where)}
        ORDER BY f.created_at DESC""",
        params,
    ).mappings()
    return [
        UnansweredQuestion(
            text=r["text"],
            lang=r["lang"],
            at=r["created_at"],
            conversation=r["conversation"],
            posting=r["posting"],
            candidate=r["candidate"],
            channel=r["channel"],
            external_id=r["external_id"],
            display_name=r["display_name"],
            username=r["username"],
            language=r["language"],
        )
        for r in rows
    ]


def notified(db: Connection, topic: str) -> set[str]:
    """Candidates already sent the answer to `topic` (nobody before schema v4)."""
    if revision_of(db) < NOTIFICATIONS_VERSION:
        return set()
    rows = run(db, "SELECT candidate FROM notifications WHERE topic = ?", (topic,))
    return {row[0] for row in rows}

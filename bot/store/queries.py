"""Read-only SQL over the transcript store, returning frozen dataclasses.

The bot may be writing while a recruiter reads (WAL), so every read goes
through a connection opened with `mode=ro`: these reads can never change or
lock the bot's data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, RowMapping

from bot.core.vocabulary import REPLY_OUTCOMES, Outcome
from bot.store.connections import TranscriptsError
from bot.store.filters import ConversationFilter, conditions, scope
from bot.store.periods import Period
from bot.store.sql import run

# What the bot can say back to a question; "command" replies (a topic list) are not answers.
OUTCOMES = tuple(str(o) for o in (*REPLY_OUTCOMES, Outcome.COMMAND))
SHORT_ID = 8
BATCH = 500  # conversations per query when reading many


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One conversation with its candidate and per-outcome counts."""

    id: str
    candidate: str
    channel: str | None
    external_id: str | None
    display_name: str | None
    username: str | None
    posting: str
    status: str
    started_at: str
    last_activity_at: str
    lang: str | None  # the language most of its messages are in
    messages: int
    answered: int
    clarify: int
    fallback: int
    handoff: int
    helpful: int
    unhelpful: int

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def who(self) -> str:
        return who(self.display_name, self.username, self.candidate)


def who(display_name: str | None, username: str | None, candidate: str) -> str:
    """The friendliest name we have for a candidate."""
    if display_name:
        return display_name
    return f"@{username}" if username else candidate


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    seq: int
    at: str
    direction: str  # "in" from the candidate, "out" from the bot
    text: str
    outcome: str | None
    topics: tuple[str, ...]
    confidence: float | None
    lang: str | None
    helpful: bool | None  # the candidate's feedback on this reply, if any


@dataclass(frozen=True, slots=True)
class Transcript:
    summary: ConversationSummary
    messages: tuple[Message, ...]


class UnknownConversation(TranscriptsError):
    def __init__(self, prefix: str) -> None:
        super().__init__(
            f"No conversation has an id starting with {prefix!r}.\n"
            "The ids are in the first column of `python -m bot transcripts list`."
        )


class AmbiguousConversation(TranscriptsError):
    def __init__(self, prefix: str, matches: list[ConversationSummary]) -> None:
        shown = "\n".join(
            f"  {m.id}  {m.who}, started {m.started_at[:16].replace('T', ' ')}" for m in matches[:5]
        )
        more = f"\n  ... and {len(matches) - 5} more" if len(matches) > 5 else ""
        super().__init__(
            f"{len(matches)} conversations have an id starting with {prefix!r}:\n"
            f"{shown}{more}\nType more characters of the id."
        )
        self.matches = tuple(matches)


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A candidate's question and when it was asked."""

    text: str
    lang: str | None
    at: str
    conversation: str


# -- conversations ---------------------------------------------------------------------

_SUMMARY = """
WITH summary AS (
    SELECT c.id, c.candidate, k.channel, k.external_id, k.display_name, k.username,
        c.posting, c.status, c.started_at, c.last_activity_at,
        (SELECT l.lang FROM messages l WHERE l.conversation = c.id AND l.lang IS NOT NULL
         GROUP BY l.lang ORDER BY count(*) DESC, max(l.seq) DESC LIMIT 1) AS lang,
        count(m.id) AS messages,
        count(CASE WHEN m.direction = 'out' AND m.outcome = 'answer' THEN 1 END) AS answered,
        count(CASE WHEN m.direction = 'out' AND m.outcome = 'clarify' THEN 1 END) AS clarify,
        count(CASE WHEN m.direction = 'out' AND m.outcome = 'fallback' THEN 1 END) AS fallback,
        count(CASE WHEN m.direction = 'out' AND m.outcome = 'handoff' THEN 1 END) AS handoff,
        count(CASE WHEN f.helpful = 1 THEN 1 END) AS helpful,
        count(CASE WHEN f.helpful = 0 THEN 1 END) AS unhelpful
    FROM conversations c
    LEFT JOIN candidates k ON k.key = c.candidate
    LEFT JOIN messages m ON m.conversation = c.id
    LEFT JOIN feedback f ON f.message = m.id
    WHERE {inner}
    GROUP BY c.id, k.key
)
"""
_SUMMARY_COLUMNS = ", ".join(f.name for f in fields(ConversationSummary))


# The inbox's order: the most recently active first, ties by id.
ORDER = "ORDER BY c.last_activity_at DESC, c.id"


def count_conversations(db: Connection, wanted: ConversationFilter) -> int:
    where, params = conditions(db, wanted)
    sql = f"SELECT count(*) FROM conversations c WHERE {where}"
    return int(run(db, sql, params).scalar_one())


def conversation_ids(
    db: Connection, wanted: ConversationFilter, *, limit: int | None = None, offset: int = 0
) -> list[str]:
    """The ids of the matching conversations, in ORDER."""
    where, params = conditions(db, wanted)
    sql = f"SELECT c.id FROM conversations c WHERE {where} {ORDER}"
    if limit is not None:
        sql, params = f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset]
    return [row[0] for row in run(db, sql, params)]


def conversations(
    db: Connection, wanted: ConversationFilter, limit: int | None = None
) -> list[ConversationSummary]:
    """Matching conversations, the most recently active first."""
    return list(_summaries_of(db, conversation_ids(db, wanted, limit=limit)))


def _summaries_of(db: Connection, ids: Sequence[str]) -> Iterator[ConversationSummary]:
    """The summaries of `ids`, in that order, read a batch at a time (a query takes a
    bounded number of parameters); an id no longer stored is skipped."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found = summaries(db, batch)
        yield from (found[i] for i in batch if i in found)


def summaries(db: Connection, ids: Sequence[str]) -> dict[str, ConversationSummary]:
    """The conversations with these exact ids, by id (only their rows' figures are
    computed, not the whole table's); ids no longer stored are left out."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = run(
        db,
        f"{_SUMMARY.format(inner=f'c.id IN ({marks})')} SELECT {_SUMMARY_COLUMNS} FROM summary",
        list(ids),
    )
    return {row["id"]: ConversationSummary(**row) for row in rows.mappings()}


def conversation(db: Connection, conversation_id: str) -> ConversationSummary | None:
    """The conversation with exactly this id."""
    return summaries(db, [conversation_id]).get(conversation_id)


def conversation_exists(db: Connection, conversation_id: str) -> bool:
    found = run(db, "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).first()
    return found is not None


def postings(db: Connection) -> list[str]:
    """Every posting that has a conversation, in alphabetical order. Each step seeks the
    next distinct value in conversations_by_posting: the cost follows the number of
    postings, not of conversations."""
    rows = run(
        db,
        """WITH RECURSIVE p(posting) AS (
            SELECT min(posting) FROM conversations
            UNION ALL
            SELECT (SELECT min(posting) FROM conversations WHERE posting > p.posting) FROM p
            WHERE p.posting IS NOT NULL)
        SELECT posting FROM p WHERE posting IS NOT NULL""",
    )
    return [row[0] for row in rows]


def find_conversation(db: Connection, prefix: str) -> ConversationSummary:
    """The one conversation whose id is or starts with `prefix`."""
    wanted = prefix.strip().casefold()
    rows = run(
        db,
        f"{_SUMMARY.format(inner='substr(c.id, 1, length(?)) = ?')} "
        f"SELECT {_SUMMARY_COLUMNS} FROM summary ORDER BY started_at DESC",
        (wanted, wanted),
    )
    matches = [ConversationSummary(**row) for row in rows.mappings()]
    exact = [m for m in matches if m.id == wanted]
    if exact:
        return exact[0]
    if not wanted or not matches:
        raise UnknownConversation(prefix)
    if len(matches) > 1:
        raise AmbiguousConversation(prefix, matches)
    return matches[0]


def messages(db: Connection, conversation: str) -> tuple[Message, ...]:
    """A conversation's messages in order, each with its feedback."""
    rows = run(
        db,
        """SELECT m.id, m.seq, m.created_at, m.direction, m.text, m.outcome, m.topics,
            m.confidence, m.lang, f.helpful
        FROM messages m LEFT JOIN feedback f ON f.message = m.id
        WHERE m.conversation = ? ORDER BY m.seq, m.created_at""",
        (conversation,),
    ).mappings()
    return tuple(
        Message(
            id=row["id"],
            seq=row["seq"],
            at=row["created_at"],
            direction=row["direction"],
            text=row["text"],
            outcome=row["outcome"],
            topics=_topics(row),
            confidence=row["confidence"],
            lang=row["lang"],
            helpful=_helpful(row),
        )
        for row in rows
    )


def transcripts(
    db: Connection, wanted: ConversationFilter, limit: int | None = None
) -> Iterator[Transcript]:
    """Matching conversations with their messages, read a batch at a time."""
    return transcripts_of(db, conversation_ids(db, wanted, limit=limit))


def transcripts_of(db: Connection, ids: Sequence[str]) -> Iterator[Transcript]:
    """The transcripts of conversations `ids`, in that order (an id no longer stored is
    skipped), read a batch at a time."""
    for summary in _summaries_of(db, ids):
        yield Transcript(summary, messages(db, summary.id))


def candidate_footprint(db: Connection, candidate: str) -> tuple[str | None, int, int]:
    """What is stored about a candidate: (display name, conversations, messages)."""
    row = run(
        db,
        """SELECT (SELECT coalesce(display_name, username) FROM candidates WHERE key = ?),
            (SELECT count(*) FROM conversations WHERE candidate = ?),
            (SELECT count(*) FROM messages WHERE candidate = ?)""",
        (candidate, candidate, candidate),
    ).one()
    return row[0], int(row[1]), int(row[2])


def change_stamp(db: Connection) -> tuple[object, ...]:
    """What changes whenever a message is added or erased (for caches of derived views)."""
    return tuple(run(db, "SELECT max(created_at), count(*) FROM messages").one())


def conversations_older_than(db: Connection, cutoff: str) -> int:
    return int(
        run(
            db, "SELECT count(*) FROM conversations WHERE last_activity_at < ?", (cutoff,)
        ).scalar_one()
    )


# -- unanswered questions --------------------------------------------------------------


# Joins `q`, the question behind fallback `f`: the candidate's last message before it
# that is not a command (after "did you mean ... none of these", the question before).
QUESTION_BEFORE_FALLBACK = """JOIN messages q ON q.id = (
            SELECT p.id FROM messages p
            WHERE p.conversation = f.conversation AND p.direction = 'in' AND p.seq < f.seq
                AND (p.outcome IS NULL OR p.outcome <> 'command')
            ORDER BY p.seq DESC LIMIT 1)"""


def fallback_questions(
    db: Connection, period: Period, posting: str | None = None
) -> list[AskedQuestion]:
    """The question before each fallback reply, newest first.

    The question is the candidate's last message before the fallback that is not
    a command: after "did you mean ... 0. none of these", the fallback follows the
    "0", and the question the bot could not answer is the one before it.
    """
    return [asked for asked, _ in _questions_before(db, period, posting, Outcome.FALLBACK)]


@dataclass(frozen=True, slots=True)
class UnstatedQuestion:
    """A question the posting doesn't answer, and what of it the bot said is not stated
    ("remote-work/fully-remote", "mention:Kafka")."""

    asked: AskedQuestion
    unknowns: tuple[str, ...]


def is_unknown_key(topic: str) -> bool:
    """Whether a stored topic of a "not stated" reply names what was not stated."""
    return "/" in topic or ":" in topic


def unstated_questions(
    db: Connection, period: Period, posting: str | None = None
) -> list[UnstatedQuestion]:
    """The question before each "not stated" reply, newest first."""
    return [
        UnstatedQuestion(asked, tuple(t for t in topics.split(",") if is_unknown_key(t)))
        for asked, topics in _questions_before(db, period, posting, Outcome.NOT_STATED)
    ]


def _questions_before(
    db: Connection, period: Period, posting: str | None, outcome: str
) -> list[tuple[AskedQuestion, str]]:
    """Each reply with `outcome` in the period, newest first: the question before it, and
    the reply's stored topics."""
    where, params = scope(period, posting, lower="f.created_at", upper="f.created_at")
    where += ["f.direction = 'out'", "f.outcome = ?"]
    rows = run(
        db,
        f"""SELECT q.text, q.lang, q.created_at, q.conversation, f.topics
        FROM messages f
        LEFT JOIN conversations c ON c.id = f.conversation
        {QUESTION_BEFORE_FALLBACK}
        WHERE {" AND ".join(where)}
        ORDER BY f.created_at DESC""",
        [*params, outcome],
    ).mappings()
    return [
        (
            AskedQuestion(r["text"], r["lang"], r["created_at"], r["conversation"]),
            r["topics"] or "",
        )
        for r in rows
    ]


# -- figures for stats ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScopedMessage:
    """One message of the period, as stats needs it."""

    conversation: str
    status: str | None
    direction: str
    outcome: str | None
    topics: tuple[str, ...]
    lang: str | None  # for a reply: the language of the question it answers
    day: str  # YYYY-MM-DD, UTC
    helpful: bool | None


def scoped_messages(
    db: Connection, period: Period, posting: str | None = None
) -> list[ScopedMessage]:
    """Every message sent within `period`, optionally for one posting."""
    where, params = scope(period, posting, lower="m.created_at", upper="m.created_at")
    where.append("1=1")
    rows = run(
        db,
        f"""SELECT m.conversation, c.status, m.direction, m.outcome, m.topics,
            CASE WHEN m.direction = 'out' THEN coalesce(
                (SELECT q.lang FROM messages q
                 WHERE q.conversation = m.conversation AND q.direction = 'in'
                    AND q.seq < m.seq ORDER BY q.seq DESC LIMIT 1),
                m.lang) ELSE m.lang END AS lang,
            substr(m.created_at, 1, 10) AS day, f.helpful
        FROM messages m
        LEFT JOIN conversations c ON c.id = m.conversation
        LEFT JOIN feedback f ON f.message = m.id
        WHERE {" AND ".join(where)}""",
        params,
    ).mappings()
    return [
        ScopedMessage(
            conversation=r["conversation"],
            status=r["status"],
            direction=r["direction"],
            outcome=r["outcome"],
            topics=_topics(r),
            lang=r["lang"],
            day=r["day"],
            helpful=_helpful(r),
        )
        for r in rows
    ]


def _topics(row: RowMapping | dict[str, Any]) -> tuple[str, ...]:
    return tuple(t for t in row["topics"].split(",") if t)


def _helpful(row: RowMapping | dict[str, Any]) -> bool | None:
    return None if row["helpful"] is None else bool(row["helpful"])

"""One conversation for the console: its messages, hand-off timeline, review and notes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.transcripts import queries
from bot.transcripts.queries import ConversationSummary, Message

MAX_NOTE_CHARS = 5000
EXCERPT_CHARS = 80


NOTE_ERRORS = {
    "empty": "The note is empty.",
    "long": f"A note has at most {MAX_NOTE_CHARS} characters.",
}


class NoteError(ValueError):
    """A note that cannot be saved; `code` is a key of NOTE_ERRORS."""

    def __init__(self, code: str) -> None:
        super().__init__(NOTE_ERRORS[code])
        self.code = code


@dataclass(frozen=True, slots=True)
class Review:
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class Note:
    author: str
    text: str
    at: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: str
    label: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class ConversationView:
    summary: ConversationSummary
    messages: tuple[Message, ...]
    review: Review | None
    notes: tuple[Note, ...]
    timeline: tuple[TimelineEvent, ...]

    @property
    def reviewed(self) -> bool:
        """Reviewed, and nothing was said since."""
        return self.review is not None and self.review.at >= self.summary.last_activity_at


def load(db: sqlite3.Connection, conversation_id: str) -> ConversationView | None:
    summary = queries.conversation(db, conversation_id)
    if summary is None:
        return None
    messages = queries.messages(db, conversation_id)
    row = db.execute(
        "SELECT reviewed_by, reviewed_at FROM conversation_reviews WHERE conversation = ?",
        (conversation_id,),
    ).fetchone()
    notes = db.execute(
        "SELECT author, text, created_at FROM conversation_notes WHERE conversation = ? "
        "ORDER BY id",
        (conversation_id,),
    ).fetchall()
    return ConversationView(
        summary=summary,
        messages=messages,
        review=Review(row[0], row[1]) if row else None,
        notes=tuple(Note(*n) for n in notes),
        timeline=timeline(messages),
    )


def timeline(messages: tuple[Message, ...]) -> tuple[TimelineEvent, ...]:
    """What happened between the bot and the recruiters: unanswered questions,
    hand-offs and recruiter replies, in order."""
    events = []
    question = ""
    for m in messages:
        if m.direction == "in" and m.outcome != "command":
            question = m.text
        if m.direction == "out" and m.outcome == "fallback":
            events.append(TimelineEvent(m.at, "No answer; offered a recruiter", question))
        elif m.outcome == "handoff":
            label = "Candidate asked for a recruiter" if m.direction == "in" else "Bot: hand-off"
            events.append(TimelineEvent(m.at, label, m.text))
        elif m.outcome == "recruiter":
            events.append(TimelineEvent(m.at, "Recruiter replied", m.text))
    return tuple(TimelineEvent(e.at, e.label, _excerpt(e.excerpt)) for e in events)


def mark_reviewed(db: sqlite3.Connection, conversation_id: str, user: str) -> None:
    db.execute(
        "INSERT INTO conversation_reviews VALUES (?, ?, ?) ON CONFLICT (conversation) "
        "DO UPDATE SET reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at",
        (conversation_id, user, _now()),
    )


def mark_unreviewed(db: sqlite3.Connection, conversation_id: str) -> None:
    db.execute("DELETE FROM conversation_reviews WHERE conversation = ?", (conversation_id,))


def add_note(db: sqlite3.Connection, conversation_id: str, author: str, text: str) -> None:
    text = text.strip()
    if not text:
        raise NoteError("empty")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError("long")
    db.execute(
        "INSERT INTO conversation_notes (conversation, author, text, created_at) "
        "VALUES (?, ?, ?, ?)",
        (conversation_id, author, text, _now()),
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")

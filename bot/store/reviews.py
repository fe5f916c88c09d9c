"""One conversation for the console: its messages, hand-off timeline, review and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select

from bot.store import queries
from bot.store.database import conflict_insert
from bot.store.queries import ConversationSummary, Message
from bot.store.tables import conversation_notes, conversation_reviews

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


def load(db: Connection, conversation_id: str) -> ConversationView | None:
    summary = queries.conversation(db, conversation_id)
    if summary is None:
        return None
    messages = queries.messages(db, conversation_id)
    r, n = conversation_reviews.c, conversation_notes.c
    row = db.execute(
        select(r.reviewed_by, r.reviewed_at).where(r.conversation == conversation_id)
    ).first()
    notes = db.execute(
        select(n.author, n.text, n.created_at)
        .where(n.conversation == conversation_id)
        .order_by(n.id)
    ).all()
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


def mark_reviewed(db: Connection, conversation_id: str, user: str) -> None:
    review = conflict_insert(db, conversation_reviews).values(
        conversation=conversation_id, reviewed_by=user, reviewed_at=_now()
    )
    db.execute(
        review.on_conflict_do_update(
            index_elements=["conversation"],
            set_={
                "reviewed_by": review.excluded.reviewed_by,
                "reviewed_at": review.excluded.reviewed_at,
            },
        )
    )


def mark_unreviewed(db: Connection, conversation_id: str) -> None:
    reviews = conversation_reviews
    db.execute(delete(reviews).where(reviews.c.conversation == conversation_id))


def add_note(db: Connection, conversation_id: str, author: str, text: str) -> None:
    text = text.strip()
    if not text:
        raise NoteError("empty")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError("long")
    db.execute(
        insert(conversation_notes).values(
            conversation=conversation_id, author=author, text=text, created_at=_now()
        )
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")

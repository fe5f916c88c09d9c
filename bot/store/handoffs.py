"""The hand-off queue, and the replies recruiters write in the console for the bot to send.

The console writes a reply (`enqueue`); the bot, which alone can reach the candidate,
sends what is pending (`ReplyOutbox`) and records how it went. Both only ever talk
through the database, so the console may run in its own process.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase
from bot.core.vocabulary import Outcome, Status
from bot.store.database import READ_ONLY
from bot.store.events import now
from bot.store.sql import run
from bot.store.tables import candidates, recruiter_replies

SENDING = "sending"  # sent_at while the bot sends it: no other process takes it
# What the "talk to a recruiter" button logs: a request, not the candidate's question.
_BUTTON_LABELS = frozenset(phrase("talk_to_recruiter", lang) for lang in LANGUAGES)


@dataclass(frozen=True, slots=True)
class WaitingHandOff:
    """A conversation handed to recruiters that no recruiter has answered since."""

    conversation: str
    candidate: str
    channel: str | None
    display_name: str | None
    username: str | None
    posting: str
    since: str  # when it was handed off (the latest hand-off message)
    asked: str | None  # the candidate's latest question or words before it


@dataclass(frozen=True, slots=True)
class RecruiterReply:
    id: int
    conversation: str
    candidate: str
    author: str
    text: str
    created_at: str
    sent_at: str | None
    error: str | None

    @property
    def state(self) -> str:
        if self.error:
            return "failed"
        return "queued" if self.sent_at in (None, SENDING) else "sent"


def waiting(db: Connection) -> list[WaitingHandOff]:
    """Handed-off conversations with no recruiter reply since, the longest waiting first."""
    rows = run(
        db,
        """SELECT c.id, c.candidate, c.posting, k.channel, k.display_name, k.username,
            (SELECT max(m.created_at) FROM messages m
                WHERE m.conversation = c.id AND m.outcome = ?) AS since,
            (SELECT max(m.created_at) FROM messages m
                WHERE m.conversation = c.id AND m.outcome = ?) AS answered,
            (SELECT max(r.created_at) FROM recruiter_replies r
                WHERE r.conversation = c.id AND r.error IS NULL) AS replied
        FROM conversations c LEFT JOIN candidates k ON k.key = c.candidate
        WHERE c.status = ?""",
        (Outcome.HANDOFF, Outcome.RECRUITER, Status.HANDED_OFF),
    ).all()
    found = [
        WaitingHandOff(r[0], r[1], r[3], r[4], r[5], r[2], r[6] or "", _asked(db, r[0]))
        for r in rows
        if max(r[7] or "", r[8] or "") < (r[6] or "")
    ]
    return sorted(found, key=lambda w: w.since)


def _asked(db: Connection, conversation: str) -> str | None:
    """The candidate's latest words that are a question, not a button or a bare command
    ("/human is there a gym?" gives "is there a gym?")."""
    rows = run(
        db,
        "SELECT text, outcome FROM messages WHERE conversation = ? AND direction = 'in' "
        "AND (outcome IS NULL OR outcome = ?) ORDER BY seq DESC LIMIT 20",
        (conversation, Outcome.HANDOFF),
    ).all()
    for text, outcome in rows:
        words = str(text)
        if words.startswith("/"):
            words = words.partition(" ")[2]
        if words.strip() and (outcome is None or words not in _BUTTON_LABELS):
            return words.strip()
    return None


def enqueue(db: Connection, conversation: str, author: str, text: str) -> int:
    """Queue a recruiter's reply in `conversation` for the bot to send; its id."""
    found = run(db, "SELECT candidate FROM conversations WHERE id = ?", (conversation,)).first()
    if found is None:
        raise LookupError(conversation)
    queued = insert(recruiter_replies).values(
        conversation=conversation, candidate=found[0], author=author, text=text, created_at=now()
    )
    return int(db.execute(queued.returning(recruiter_replies.c.id)).scalar_one())


def replies(db: Connection, conversation: str) -> list[RecruiterReply]:
    r = recruiter_replies.c
    rows = db.execute(
        select(
            r.id, r.conversation, r.candidate, r.author, r.text, r.created_at, r.sent_at, r.error
        )
        .where(r.conversation == conversation)
        .order_by(r.id)
    ).all()
    return [RecruiterReply(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A queued reply and where to send it."""

    reply: RecruiterReply
    channel: str | None
    external_id: str | None


class ReplyOutbox:
    """The bot's side: take the pending replies, say how each went, on the bot's own
    engine (SQLite or PostgreSQL). A claim is one conditional UPDATE, so two bots on
    one PostgreSQL database never take the same reply."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def take(self, limit: int = 20) -> list[Outgoing]:
        """Claim up to `limit` pending replies, oldest first."""
        r, k = recruiter_replies, candidates
        pending = (
            select(*r.c, k.c.channel, k.c.external_id)
            .select_from(r.outerjoin(k, k.c.key == r.c.candidate))
            .where(r.c.sent_at.is_(None))
            .order_by(r.c.id)
            .limit(limit)
        )
        # A poll that finds nothing takes no write lock (every 2 s, beside the writer).
        async with self.engine.connect() as reader:
            await reader.execution_options(**READ_ONLY)
            if not (await reader.execute(pending)).first():
                return []
        taken = []
        async with self.engine.begin() as db:
            for row in (await db.execute(pending)).all():
                claim = (
                    update(r).where(r.c.id == row.id, r.c.sent_at.is_(None)).values(sent_at=SENDING)
                )
                if (await db.execute(claim)).rowcount:
                    taken.append(Outgoing(RecruiterReply(*row[:8]), row.channel, row.external_id))
        return taken

    async def settle(self, reply_id: int, error: str | None) -> None:
        """Record that the reply was sent, or why not."""
        done = update(recruiter_replies).where(recruiter_replies.c.id == reply_id)
        async with self.engine.begin() as db:
            await db.execute(done.values(sent_at=now(), error=error))

    async def recover(self) -> int:
        """At start-up: replies a stopped bot had claimed go back to pending (one bot
        sends; a reply it sent just before stopping may go twice)."""
        claimed = update(recruiter_replies).where(recruiter_replies.c.sent_at == SENDING)
        async with self.engine.begin() as db:
            return (await db.execute(claimed.values(sent_at=None))).rowcount

"""What `kb notify` writes: at most one answer per candidate and topic sent after the
fact, and the sent message in the candidate's transcript so that recruiters see it."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.database import conflict_insert
from bot.store.events import now
from bot.store.tables import conversations, messages, notifications


class Notifications:
    """The notifications table and its messages, on an engine of bot.store.database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def claim(self, candidate: str, topic: str, message_id: str) -> bool:
        """Reserve the (candidate, topic) notification; False if another run has it."""
        async with self.engine.begin() as db:
            row = {"candidate": candidate, "topic": topic, "message": message_id, "sent_at": now()}
            claimed = await db.execute(
                conflict_insert(db, notifications).on_conflict_do_nothing(), row
            )
        return claimed.rowcount == 1

    async def release(self, candidate: str, topic: str) -> None:
        """Give the claim back: the message could not be sent."""
        async with self.engine.begin() as db:
            await db.execute(
                delete(notifications).where(
                    notifications.c.candidate == candidate, notifications.c.topic == topic
                )
            )

    async def log_sent(
        self,
        *,
        candidate: str,
        fallback_conversation: str,
        topic: str,
        message_id: str,
        channel: str,
        text: str,
        outcome: str,
        lang: str | None,
    ) -> None:
        """The sent message, in the candidate's latest conversation. Its last activity is
        left alone: retention counts from the candidate's activity, and a message from us
        should not keep their data longer."""
        at = now()
        async with self.engine.begin() as db:
            latest = await db.scalar(
                select(conversations.c.id)
                .where(conversations.c.candidate == candidate)
                .order_by(
                    conversations.c.last_activity_at.desc(), conversations.c.started_at.desc()
                )
                .limit(1)
            )
            conversation = latest or fallback_conversation
            seq = await db.scalar(
                select(func.coalesce(func.max(messages.c.seq), 0) + 1).where(
                    messages.c.conversation == conversation
                )
            )
            await db.execute(
                messages.insert().values(
                    id=message_id,
                    conversation=conversation,
                    candidate=candidate,
                    seq=seq,
                    direction="out",
                    channel=channel,
                    text=text,
                    topics=topic,
                    outcome=outcome,
                    created_at=at,
                    lang=lang,
                )
            )
            await db.execute(
                update(notifications)
                .where(notifications.c.candidate == candidate, notifications.c.topic == topic)
                .values(sent_at=at)
            )

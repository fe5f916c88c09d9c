"""Transcript files written by the real TranscriptStore and ConversationLog, with the real
Responder's replies on the sample knowledge base, as the Telegram channel logs them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.dialogue import Outcome, Responder
from bot.store import TranscriptStore
from bot.store import conversation as conversation_module
from bot.store.conversation import ConversationLog
from tests.kb.sample_kb import SLUG
from tests.transcripts.conftest import Clock

TODAY = datetime.now(UTC).date()


class Chat:
    """One candidate's conversation, logged like bot/channels/telegram does."""

    def __init__(
        self,
        store: TranscriptStore,
        responder: Responder,
        external_id: str,
        *,
        channel: str = "telegram",
        name: str | None = None,
        lang: str = "en",
    ) -> None:
        self.responder = responder
        self.lang = lang
        self.log = ConversationLog(
            store, channel, external_id, SLUG, display_name=name, language=lang
        )

    def ask(self, question: str, expect: Outcome | None = None) -> str:
        """A question and the bot's real reply; returns the reply's message id."""
        reply = self.responder.reply(question, SLUG, self.lang)
        if expect is not None:
            assert reply.outcome is expect, (question, reply.outcome, reply.suggestions)
        return self.log.exchange(reply, 1.0)

    def choose(self, question: str, topic: str) -> None:
        """Ask, get "did you mean", press the button of `topic`."""
        reply = self.responder.reply(question, SLUG, self.lang)
        assert reply.outcome is Outcome.CLARIFY and topic in reply.suggestions, (question, reply)
        self.log.exchange(reply, 1.0)
        title = self.responder.knowledge.posting(SLUG).topic(topic).text(self.lang).title
        self.log.incoming(title, self.lang, "command", topics=(topic,))
        self.log.reply(self.responder.answer_topic(topic, self.lang, SLUG), 1.0)

    def none_of_these(self, question: str) -> None:
        """Ask, get "did you mean", press "none of these" (Telegram then offers a person)."""
        reply = self.responder.reply(question, SLUG, self.lang)
        assert reply.outcome is Outcome.CLARIFY, (question, reply)
        self.log.exchange(reply, 1.0)
        self.log.incoming("None of these", self.lang, "command")
        self.log.outgoing("Would you like to talk to a recruiter?", "command", self.lang)

    def unhelpful(self, question: str) -> None:
        """Ask, get an answer, vote 👎."""
        self.log.feedback(self.ask(question, Outcome.ANSWER), helpful=False)


async def write_transcripts(
    path: Path,
    responder: Responder,
    monkeypatch: pytest.MonkeyPatch,
    script: Iterable[tuple[int, object]],
) -> None:
    """Run `script`: (days ago, a function of (store, responder)) pairs, with the clock
    of the conversation log pinned to that day."""
    clock = Clock()
    with monkeypatch.context() as patch:
        patch.setattr(conversation_module, "now", clock)
        # No purge on open: the tests keep conversations past any retention.
        async with TranscriptStore(path) as store:
            for days_ago, step in script:
                clock.set(TODAY - timedelta(days=days_ago), 9)
                step(store, responder)  # type: ignore[operator]
            assert await store.flush()

"""ConversationLog: what a channel calls to log one conversation, turn by turn."""

from __future__ import annotations

import itertools

from bot.core.conversation import Turn
from bot.core.dialogue import Reply
from bot.core.knowledge import is_smalltalk
from bot.core.vocabulary import Direction, Outcome, Status
from bot.store.events import (
    CandidateSeen,
    ConversationState,
    FeedbackGiven,
    MessageLogged,
    candidate_key,
    new_id,
    now,
)
from bot.store.store import TranscriptStore


def outcome_of(reply: Reply) -> Outcome:
    """The stored outcome: small talk is told apart from job answers."""
    if reply.outcome is Outcome.ANSWER and reply.topics and all(map(is_smalltalk, reply.topics)):
        return Outcome.SMALLTALK
    return reply.outcome


class ConversationLog:
    """One candidate's conversation about one posting, bound to a store."""

    def __init__(
        self,
        store: TranscriptStore,
        channel: str,
        external_id: str,
        posting: str,
        *,
        display_name: str | None = None,
        username: str | None = None,
        language: str | None = None,
    ) -> None:
        self._store = store
        self.channel = channel
        self.candidate = candidate_key(channel, external_id)
        self.id = new_id()
        self.posting = posting
        self._seq = itertools.count(1)
        store.record(
            CandidateSeen(
                self.candidate, channel, external_id, display_name, username, language, now()
            )
        )
        self.set_status(Status.OPEN)

    def set_status(self, status: Status) -> None:
        self._store.record(ConversationState(self.id, self.candidate, self.posting, status, now()))

    def record(self, turn: Turn, latency_ms: float) -> list[str | None]:
        """Log one turn of the conversation; the message id of each of its messages
        (None for one not logged), for the feedback buttons."""
        if turn.heard is not None and turn.heard.outcome is not None:
            heard = turn.heard
            self.incoming(heard.text, heard.lang, heard.outcome, heard.topics)
        elif turn.heard is not None:  # a question: logged as the answer's question
            self._message(Direction.IN, turn.heard.text, (), None, None, None, turn.heard.lang)
        ids: list[str | None] = []
        for say in turn.says:
            if not say.logged:
                ids.append(None)
            elif say.answer is not None:
                ids.append(self.reply(say.answer, latency_ms))
            else:
                ids.append(self.outgoing(say.text, say.outcome, say.lang))
        if turn.feedback is not None:
            self.feedback(turn.feedback.message, turn.feedback.helpful)
        if turn.status is not None:
            self.set_status(turn.status)
        return ids

    def exchange(self, reply: Reply, latency_ms: float) -> str:
        """Log a question and the bot's reply to it; returns the reply's message id."""
        self._message(Direction.IN, reply.question, (), None, None, None, reply.lang)
        return self.reply(reply, latency_ms)

    def reply(self, reply: Reply, latency_ms: float) -> str:
        """Log a bot reply; returns its message id (feedback refers to it)."""
        # A "not stated" reply keeps what was asked, for the recruiters' unanswered view.
        unknowns = tuple(u.replace(",", "") for u in reply.unknowns)
        topics = (*reply.topics, *unknowns) or reply.suggestions
        return self._message(
            Direction.OUT,
            reply.text,
            topics,
            outcome_of(reply),
            reply.confidence,
            latency_ms,
            reply.reply_lang,
        )

    def incoming(
        self,
        text: str,
        lang: str | None = None,
        outcome: str | None = None,
        topics: tuple[str, ...] = (),
    ) -> str:
        """Log what the candidate sent that is not a question (a command, a choice of
        `topics`)."""
        return self._message(Direction.IN, text, topics, outcome, None, None, lang)

    def outgoing(self, text: str, outcome: str, lang: str | None = None) -> str:
        """Log any other message to the candidate (a command's answer, a recruiter's reply)."""
        return self._message(Direction.OUT, text, (), outcome, None, None, lang)

    def feedback(self, message: str, helpful: bool) -> None:
        self._store.record(FeedbackGiven(message, self.candidate, helpful, now()))

    def _message(
        self,
        direction: Direction,
        text: str,
        topics: tuple[str, ...],
        outcome: str | None,
        confidence: float | None,
        latency_ms: float | None,
        lang: str | None,
    ) -> str:
        message = new_id()
        self._store.record(
            MessageLogged(
                message,
                self.id,
                self.candidate,
                next(self._seq),
                direction,
                self.channel,
                text,
                topics,
                outcome,
                confidence,
                latency_ms,
                lang,
                now(),
            )
        )
        return message

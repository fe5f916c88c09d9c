"""Each candidate's conversation state while the bot runs."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from telegram import User

from bot.core.conversation import Conversation, State
from bot.core.knowledge import LANGUAGES
from bot.core.vocabulary import Status
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog

CHANNEL = "telegram"
MAX_CHATS = 20_000  # the least recently active are closed first


def language_of(user: User | None) -> str:
    """The candidate's Telegram language if we speak it ("fr-CA" -> "fr"), else English."""
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


@dataclass(slots=True)
class CandidateChat:
    """One candidate's conversation about one posting: its log and its state."""

    user_id: int
    log: ConversationLog
    state: State

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def posting(self) -> str:
        return self.state.posting


class CandidateChats:
    """CandidateChats by Telegram user id, created on first contact."""

    def __init__(self, store: TranscriptStore, conversation: Conversation) -> None:
        self._store = store
        self._conversation = conversation
        self._chats: OrderedDict[int, CandidateChat] = OrderedDict()

    def get(self, user: User | int, posting: str | None = None) -> CandidateChat:
        """The session of `user` (or of a user id, for a recruiter's reply); a new
        conversation when there is none, or when `posting` differs from the session's
        (a deep link to another job)."""
        user_id = user if isinstance(user, int) else user.id
        session = self._chats.get(user_id)
        if session is not None and (posting is None or posting == session.posting):
            self._chats.move_to_end(user_id)
            return session
        if session is not None:
            session.log.set_status(Status.CLOSED)
        session = self._open(user, self._conversation.start(posting).posting)
        self._chats[user_id] = session
        if len(self._chats) > MAX_CHATS:
            _, oldest = self._chats.popitem(last=False)
            oldest.log.set_status(Status.CLOSED)
        return session

    def _open(self, user: User | int, posting: str) -> CandidateChat:
        if isinstance(user, int):  # known only by id: the stored name is kept
            log = ConversationLog(self._store, CHANNEL, str(user), posting)
            return CandidateChat(user, log, self._conversation.start(posting))
        log = ConversationLog(
            self._store,
            CHANNEL,
            str(user.id),
            posting,
            display_name=user.full_name,
            username=user.username,
            language=user.language_code,
        )
        return CandidateChat(user.id, log, self._conversation.start(posting, language_of(user)))

    def forget(self, user_id: int) -> None:
        """Drop the user's session without logging anything more about them."""
        self._chats.pop(user_id, None)

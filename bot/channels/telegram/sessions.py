"""Each candidate's conversation state while the bot runs."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from telegram import User

from bot.core.knowledge import LANGUAGES
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog

CHANNEL = "telegram"
RECENT_MESSAGES = 6  # context sent to recruiters with a hand-off
MAX_SESSIONS = 20_000  # the least recently active are closed first


def language_of(user: User | None) -> str:
    """The candidate's Telegram language if we speak it ("fr-CA" -> "fr"), else English."""
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


@dataclass(slots=True)
class Session:
    """One candidate's conversation about one posting."""

    log: ConversationLog
    lang: str
    posting: str
    recent: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=RECENT_MESSAGES))
    # The latest question the bot could not fully answer: what /human hands off.
    unanswered: str | None = None
    # /human was asked with no question yet: the next message goes to the recruiters.
    awaiting_handoff: bool = False

    def heard(self, text: str) -> None:
        self.recent.append(("candidate", text))

    def incoming(self, text: str, outcome: str, topics: tuple[str, ...] = ()) -> None:
        """Log a message from the candidate that is not a question to answer."""
        self.log.incoming(text, self.lang, outcome, topics)
        self.heard(text)

    def said(self, text: str) -> None:
        self.recent.append(("bot", text))


class Sessions:
    """Sessions by Telegram user id, created on first contact."""

    def __init__(self, store: TranscriptStore, default_posting: str) -> None:
        self._store = store
        self.default_posting = default_posting
        self._sessions: OrderedDict[int, Session] = OrderedDict()

    def get(self, user: User | int, posting: str | None = None) -> Session:
        """The session of `user` (or of a user id, for a recruiter's reply); a new
        conversation when there is none, or when `posting` differs from the session's
        (a deep link to another job)."""
        user_id = user if isinstance(user, int) else user.id
        session = self._sessions.get(user_id)
        if session is not None and (posting is None or posting == session.posting):
            self._sessions.move_to_end(user_id)
            return session
        if session is not None:
            session.log.set_status("closed")
        session = self._open(user, posting or self.default_posting)
        self._sessions[user_id] = session
        if len(self._sessions) > MAX_SESSIONS:
            _, oldest = self._sessions.popitem(last=False)
            oldest.log.set_status("closed")
        return session

    def _open(self, user: User | int, posting: str) -> Session:
        if isinstance(user, int):  # known only by id: the stored name is kept
            log = ConversationLog(self._store, CHANNEL, str(user), posting)
            return Session(log, "en", posting)
        log = ConversationLog(
            self._store,
            CHANNEL,
            str(user.id),
            posting,
            display_name=user.full_name,
            username=user.username,
            language=user.language_code,
        )
        return Session(log, language_of(user), posting)

    def forget(self, user_id: int) -> None:
        """Drop the user's session without logging anything more about them."""
        self._sessions.pop(user_id, None)

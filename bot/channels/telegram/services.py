"""What every handler shares, created at start-up and kept in bot_data."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.channels.telegram.chats import CandidateChats
from bot.core.conversation import Conversation
from bot.core.dialogue import Responder
from bot.runtime.reload import KnowledgeReloader
from bot.settings import Settings
from bot.store import TranscriptStore

log = logging.getLogger(__name__)

# PTB's defaults throughout: ExtBot, CallbackContext, dict user/chat/bot data, a JobQueue.
BotApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

ALERT_INTERVAL_S = 60.0


class AdminAlerts:
    """Messages to the admins, at most one a minute; the rest are counted and summed up."""

    def __init__(
        self,
        admin_ids: frozenset[int],
        interval_s: float = ALERT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admin_ids = admin_ids
        self._interval = interval_s
        self._clock = clock
        self._last: float | None = None
        self.suppressed = 0

    async def send(self, bot: Bot, text: str, *, urgent: bool = False) -> bool:
        """Tell every admin `text` unless an alert went out in the last interval
        (`urgent` ones always go: a refused knowledge reload, say)."""
        now = self._clock()
        recent = self._last is not None and now - self._last < self._interval
        if not self.admin_ids or (recent and not urgent):
            self.suppressed += 1
            return False
        self._last = now
        if self.suppressed:
            text += f"\n\n({self.suppressed} more alerts were held back since the last one.)"
            self.suppressed = 0
        for admin in self.admin_ids:
            try:
                await bot.send_message(admin, text[:4000])
            except TelegramError as exc:  # an admin who never opened the chat, say
                log.warning("admin alert not delivered admin=%s error=%s", admin, exc)
        return True


@dataclass(slots=True)
class Services:
    settings: Settings
    conversation: Conversation
    store: TranscriptStore
    chats: CandidateChats
    alerts: AdminAlerts
    reloader: KnowledgeReloader | None = None  # set once the bot runs
    bot_username: str = ""

    @property
    def responder(self) -> Responder:
        return self.conversation.responder

    @responder.setter
    def responder(self, fresh: Responder) -> None:
        """A knowledge reload replaces the responder whole."""
        self.conversation.responder = fresh


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]  # type: ignore[no-any-return]

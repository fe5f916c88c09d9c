"""The one function that builds the Application and registers every handler, in order."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import admin, candidate, handoff
from bot.channels.telegram.buttons import on_button
from bot.channels.telegram.chats import CandidateChats
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.channels.telegram.ratelimit import ResilientRateLimiter
from bot.channels.telegram.services import AdminAlerts, BotApplication, Services
from bot.core.conversation import Conversation
from bot.core.dialogue import Responder
from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase
from bot.ops.metrics import (
    LAST_UPDATE,
    SEND_LATENCY,
    TELEGRAM_ERRORS,
    UPDATES,
    telegram_error_kind,
)
from bot.settings import Settings
from bot.store import TranscriptStore

log = logging.getLogger(__name__)

# Measured with benchmarks/bench_telegram.py: httpx's pool scans every connection on
# each request, so a small pool is faster (4: ~340 messages/s; 8: ~315; PTB's default
# 256: ~150). Telegram caps a bot at 30 messages/s, and 4 connections keep up with that
# even at a 100 ms round trip; 32 concurrent updates leave room for slow hand-offs.
MAX_CONCURRENT_UPDATES = 32
CONNECTION_POOL_SIZE = 4
CANDIDATE_COMMANDS = ("start", "topics", "human", "language", "privacy", "forget", "help")
ADMIN_COMMANDS = {
    "stats": "Today's figures",
    "unanswered": "Top unanswered questions",
    "reload": "Reload the knowledge base",
}


def build_application(
    settings: Settings,
    responder: Responder,
    store: TranscriptStore,
    *,
    webhook: bool = False,
) -> BotApplication:
    """The bot: every handler, in the order Telegram updates meet them."""
    assert settings.telegram_bot_token is not None
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .rate_limiter(
            ResilientRateLimiter(
                settings.telegram_max_rate, on_error=_count_error, on_sent=_time_send
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .connection_pool_size(CONNECTION_POOL_SIZE)
    )
    if webhook:
        builder = builder.updater(None)
    app = builder.build()
    conversation = Conversation(
        responder,
        handoff=settings.recruiter_chat_id is not None,
        flood_messages=settings.flood_messages,
        flood_seconds=settings.flood_seconds,
        handoff_reply_hours=settings.handoff_reply_hours,
        retention_days=settings.retention_days,
    )
    app.bot_data["services"] = Services(
        settings=settings,
        conversation=conversation,
        store=store,
        chats=CandidateChats(store, conversation),
        alerts=AdminAlerts(settings.admin_ids),
    )

    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE

    app.add_handler(TypeHandler(Update, _count_update), group=-2)

    # Group 0: the first matching handler wins.
    if settings.recruiter_chat_id is not None:
        recruiters = filters.Chat(settings.recruiter_chat_id)
        app.add_handler(
            MessageHandler(
                recruiters & new_message & filters.REPLY & ~filters.COMMAND,
                handoff.on_recruiter_reply,
            )
        )
    app.add_handler(CommandHandler("stats", admin.on_stats))
    app.add_handler(CommandHandler("unanswered", admin.on_unanswered))
    app.add_handler(CommandHandler("reload", admin.on_reload))
    app.add_handler(CommandHandler("start", candidate.on_start))
    # The conversation knows each candidate command; in private, also the ones it lacks.
    app.add_handler(CommandHandler(CANDIDATE_COMMANDS, candidate.on_command))
    app.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, candidate.on_edited)
    )
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, candidate.on_channel_post))
    app.add_handler(MessageHandler(new_message & private & filters.COMMAND, candidate.on_command))
    app.add_handler(
        MessageHandler(new_message & private & filters.FORWARDED, candidate.on_forwarded)
    )
    app.add_handler(MessageHandler(new_message & private & filters.TEXT, candidate.on_text))
    app.add_handler(
        MessageHandler(
            new_message & filters.ChatType.GROUPS & filters.TEXT & filters.Entity("mention"),
            candidate.on_group_mention,
        )
    )
    app.add_handler(MessageHandler(new_message & private, candidate.on_not_text))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_error_handler(admin.on_error)
    return app


async def prepare(app: BotApplication) -> None:
    """Once initialised: learn the bot's username, set the command menu in every language."""
    svc = services_of(app)
    svc.bot_username = app.bot.username or ""
    admin_menu = [*_commands("en"), *(BotCommand(c, d) for c, d in ADMIN_COMMANDS.items())]
    menus: list[tuple[list[BotCommand], str | None, BotCommandScopeChat | None]] = [
        (_commands(lang), None if lang == "en" else lang, None) for lang in LANGUAGES
    ]
    menus += [(admin_menu, None, BotCommandScopeChat(a)) for a in svc.settings.admin_ids]
    for commands, language, scope in menus:
        try:
            await app.bot.set_my_commands(commands, scope=scope, language_code=language)
        except TelegramError as exc:  # an admin who never opened the chat, say: not fatal
            log.warning("command menu not set language=%s scope=%s: %s", language, scope, exc)


async def _count_update(update: Update, context: object) -> None:
    """Every update, by type, for /metrics."""
    kind = next((t for t in Update.ALL_TYPES if getattr(update, t, None) is not None), "other")
    UPDATES.labels(kind).inc()
    LAST_UPDATE.set_to_current_time()


def _count_error(error: Exception) -> None:
    TELEGRAM_ERRORS.labels(telegram_error_kind(error)).inc()


def _time_send(method: str, seconds: float) -> None:
    SEND_LATENCY.labels(method).observe(seconds)


def _commands(lang: str) -> list[BotCommand]:
    return [BotCommand(name, phrase(f"cmd_{name}", lang)) for name in CANDIDATE_COMMANDS]


def services_of(app: BotApplication) -> Services:
    return app.bot_data["services"]  # type: ignore[no-any-return]

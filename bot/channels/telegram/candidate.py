"""What candidates send: commands, questions, and everything that isn't text."""

from __future__ import annotations

import logging
import re
import time

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.channels.telegram.chats import CandidateChat
from bot.channels.telegram.delivery import send_sections
from bot.channels.telegram.handoff import is_reply_to_recruiter
from bot.channels.telegram.services import services
from bot.channels.telegram.turns import play
from bot.core.compose import Section
from bot.core.conversation import Command, Event, Text, ToRecruiter, Unsupported
from bot.core.phrases import phrase
from bot.core.vocabulary import MessageKind

log = logging.getLogger(__name__)

ATTACHMENTS = tuple(
    k
    for k in MessageKind
    if k not in (MessageKind.FORWARDED, MessageKind.EDITED, MessageKind.OTHER)
)


def kind_of(message: Message) -> MessageKind:
    return next((k for k in ATTACHMENTS if getattr(message, k.value, None)), MessageKind.OTHER)


def describe(message: Message) -> str:
    """How a message is written in the transcript: its text, or its kind in brackets."""
    if message.text:
        return message.text
    kind = kind_of(message).value
    return f"[{kind}] {message.caption}" if message.caption else f"[{kind}]"


# -- commands --------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [posting]: greet, say this is a bot, show the topics."""
    svc = services(context)
    assert update.effective_user is not None
    slug = context.args[0] if context.args else None
    known = slug if slug in svc.responder.knowledge.postings else None
    await _play(
        update, context, _command(update, context), svc.chats.get(update.effective_user, known)
    )


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help, /privacy, /topics, /language, /forget, /human [question], or one this bot
    doesn't have: the conversation knows what each means."""
    await _play(update, context, _command(update, context))


def _command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Command:
    message = update.effective_message
    assert message is not None and message.text is not None
    word, _, _ = message.text.partition(" ")
    name = word.lstrip("/").split("@")[0].casefold()
    return Command(name, " ".join(context.args or ()), describe(message), time.monotonic())


# -- questions -------------------------------------------------------------------------------


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question in words (in a group: a message that mentions the bot)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    svc = services(context)
    text = message.text
    if message.chat.type != ChatType.PRIVATE and svc.bot_username:
        text = re.sub(rf"@{re.escape(svc.bot_username)}\b", " ", text, flags=re.IGNORECASE)
    now = time.monotonic()
    if is_reply_to_recruiter(message, context.bot.id):
        await _play(update, context, ToRecruiter(text, now))
    else:
        await _play(update, context, Text(text, now))


async def on_group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, the bot answers only messages that mention it."""
    message = update.effective_message
    assert message is not None and message.text is not None
    username = services(context).bot_username
    if username and f"@{username}".casefold() in message.text.casefold():
        await on_text(update, context)


# -- everything else -------------------------------------------------------------------------


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents, locations, contacts: the bot reads text."""
    assert update.effective_message is not None
    await _unsupported(update, context, kind_of(update.effective_message))


async def on_forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forwarded message: ask the candidate to type their question."""
    await _unsupported(update, context, MessageKind.FORWARDED)


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: ask for a new one."""
    await _unsupported(update, context, MessageKind.EDITED)


async def on_channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post in a channel the bot was added to: point to the private chat."""
    post = update.effective_message
    assert post is not None
    log.info("channel post ignored chat=%s", post.chat.id)
    await send_sections(context.bot, post.chat.id, [Section(phrase("channel_post", "en"))])


async def _unsupported(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: MessageKind
) -> None:
    message = update.effective_message
    assert message is not None
    await _play(update, context, Unsupported(kind, describe(message), time.monotonic()))


async def _play(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    event: Event,
    session: CandidateChat | None = None,
) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    session = session or services(context).chats.get(update.effective_user)
    await play(context, update.effective_chat.id, session, event, user=update.effective_user)

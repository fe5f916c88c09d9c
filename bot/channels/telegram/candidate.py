"""What candidates send: commands, questions, and everything that isn't text."""

from __future__ import annotations

import logging
import re
import time

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.channels.telegram import keyboards
from bot.channels.telegram.delivery import say, send_sections
from bot.channels.telegram.handoff import forward_to_recruiters, hand_off, is_reply_to_recruiter
from bot.channels.telegram.services import services
from bot.channels.telegram.sessions import Session
from bot.core.dialogue import HUMAN_TOPIC, Outcome, Reply, Responder, Section
from bot.core.flood import Verdict
from bot.core.knowledge import LANGUAGES, is_smalltalk
from bot.core.phrases import phrase
from bot.ops.metrics import REPLIES, REPLY_LATENCY
from bot.store.conversation import outcome_of

log = logging.getLogger(__name__)

ATTACHMENTS = (
    "sticker",
    "photo",
    "animation",
    "video",
    "video_note",
    "voice",
    "audio",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def _session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Session:
    assert update.effective_user is not None
    return services(context).sessions.get(update.effective_user)


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def describe(message: Message) -> str:
    """How a message is written in the transcript: its text, or its kind in brackets."""
    if message.text:
        return message.text
    kind = next((a for a in ATTACHMENTS if getattr(message, a, None)), "message")
    return f"[{kind}] {message.caption}" if message.caption else f"[{kind}]"


# -- commands --------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [posting]: greet, say this is a bot, show the topics."""
    svc = services(context)
    assert update.effective_user is not None and update.effective_message is not None
    slug = context.args[0] if context.args else None
    known = slug if slug in svc.responder.knowledge.postings else None
    session = _log_command(update, context, svc.sessions.get(update.effective_user, known))
    responder, lang = svc.responder, session.lang
    text = "\n\n".join(
        [
            responder.greeting(lang, session.posting),
            phrase("bot_notice", lang),
            phrase("topics", lang),
        ]
    )
    markup = keyboards.topics(responder.topic_titles(lang, session.posting))
    await say(context.bot, _chat_id(update), session, text, markup)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and its commands."""
    await _command_reply(update, context, "help")


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is stored, for how long, and how to erase it."""
    days = str(services(context).settings.retention_days)
    await _command_reply(update, context, "privacy", days=days)


async def on_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics: the topics as buttons."""
    session = _log_command(update, context)
    titles = services(context).responder.topic_titles(session.lang, session.posting)
    await say(
        context.bot,
        _chat_id(update),
        session,
        phrase("topics", session.lang),
        keyboards.topics(titles),
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: choose English, French or Spanish."""
    session = _log_command(update, context)
    text = phrase("choose_language", session.lang)
    await say(context.bot, _chat_id(update), session, text, keyboards.languages())


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: erase my data, once confirmed with a button."""
    session = _log_command(update, context)
    text = phrase("forget_confirm", session.lang)
    await say(context.bot, _chat_id(update), session, text, keyboards.forget(session.lang))


async def on_human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/human [question]: pass the question to a recruiter."""
    session = _session(update, context)
    assert update.effective_message is not None
    text = describe(update.effective_message)
    session.incoming(text, "handoff")
    await hand_off(update, context, session, " ".join(context.args or ()) or None)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command this bot doesn't have."""
    await _command_reply(update, context, "unknown_command")


async def _command_reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **values: str
) -> None:
    session = _log_command(update, context)
    await say(context.bot, _chat_id(update), session, phrase(key, session.lang, **values))


def _log_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session | None = None
) -> Session:
    session = session or _session(update, context)
    assert update.effective_message is not None
    text = describe(update.effective_message)
    session.incoming(text, "command")
    return session


# -- questions -------------------------------------------------------------------------------


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question in words (in a group: a message that mentions the bot)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    svc = services(context)
    session = _session(update, context)
    text = message.text
    if message.chat.type != ChatType.PRIVATE and svc.bot_username:
        text = re.sub(rf"@{re.escape(svc.bot_username)}\b", " ", text, flags=re.IGNORECASE)
    if is_reply_to_recruiter(message, context.bot.id):
        session.incoming(text, "handoff")
        await forward_to_recruiters(update, context, session, text)
        return
    if session.awaiting_handoff and text.strip():
        session.incoming(text, "handoff")
        await hand_off(update, context, session, text)
        return
    await answer(update, context, session, text)


async def on_group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, the bot answers only messages that mention it."""
    message = update.effective_message
    assert message is not None and message.text is not None
    username = services(context).bot_username
    if username and f"@{username}".casefold() in message.text.casefold():
        await on_text(update, context)


async def answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session, text: str
) -> None:
    """Answer, clarify or fall back, with the buttons that go with each."""
    svc = services(context)
    start = time.perf_counter()
    reply = svc.responder.reply(text, session.posting, session.lang)
    if reply.lang in LANGUAGES:
        session.lang = reply.lang
    session.heard(text)
    if reply.wants_human:  # with a question besides, that question goes to the recruiter
        session.log.incoming(text, reply.lang, "handoff")
        asked_more = any(t != HUMAN_TOPIC for t in reply.topics)
        await hand_off(update, context, session, text if asked_more else None)
        return
    if reply.outcome is not Outcome.ANSWER:
        session.unanswered = text
    seconds = time.perf_counter() - start
    message_id = session.log.exchange(reply, 1000 * seconds)
    count_reply(reply, seconds)
    session.said(reply.text)
    markup, sections = presentation(svc.responder, session, reply, message_id)
    await send_sections(context.bot, _chat_id(update), sections, markup)


def count_reply(reply: Reply, seconds: float) -> None:
    REPLIES.labels(outcome_of(reply), reply.reply_lang).inc()
    REPLY_LATENCY.observe(seconds)


def presentation(
    responder: Responder, session: Session, reply: Reply, message_id: str
) -> tuple[InlineKeyboardMarkup | None, tuple[Section, ...]]:
    """The keyboard and the text blocks to show for `reply`."""
    lang = reply.reply_lang
    if reply.outcome is Outcome.CLARIFY:
        posting = responder.knowledge.posting(session.posting)
        choices = [(t, posting.topic(t).text(lang).title) for t in reply.suggestions]
        return keyboards.clarify(choices, lang), (Section(phrase("clarify", lang)),)
    if reply.outcome is Outcome.FALLBACK:
        return keyboards.human(lang), reply.sections
    first = reply.topics[0]
    job = not all(map(is_smalltalk, reply.topics))
    related = [
        (t, title)
        for t, title in responder.related_titles(first, lang, session.posting)
        if t != reply.more
    ]
    more = None
    if reply.more is not None:
        title = responder.knowledge.posting(session.posting).topic(reply.more).text(lang).title
        more = (reply.more, phrase("more_about", lang, title=title))
    human = lang if reply.outcome is Outcome.NOT_STATED else None
    markup = keyboards.answer(message_id, related, feedback=job, more=more, human=human)
    return markup, reply.sections


# -- everything else -------------------------------------------------------------------------


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents, locations, contacts: the bot reads text."""
    await _notice(update, context, "not_text")


async def on_forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forwarded message: ask the candidate to type their question."""
    await _notice(update, context, "forwarded")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: ask for a new one."""
    await _notice(update, context, "edited")


async def on_channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post in a channel the bot was added to: point to the private chat."""
    post = update.effective_message
    assert post is not None
    log.info("channel post ignored chat=%s", post.chat.id)
    await say(context.bot, post.chat.id, None, phrase("channel_post", "en"))


async def _notice(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    message = update.effective_message
    assert message is not None
    session = _session(update, context)
    text = describe(message)
    session.incoming(f"[edited] {text}" if key == "edited" else text, "command")
    await say(context.bot, message.chat.id, session, phrase(key, session.lang))


async def guard_flood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Past the per-candidate rate, log the message, ask once to slow down, answer nothing."""
    message, user = update.message, update.effective_user
    if message is None or user is None or message.chat.type != ChatType.PRIVATE:
        return
    svc = services(context)
    verdict = svc.flood.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    session = svc.sessions.get(user)
    session.log.incoming(describe(message), session.lang, "flood")
    if verdict is Verdict.WARN:
        await say(context.bot, message.chat.id, session, phrase("slow_down", session.lang))
    raise ApplicationHandlerStop

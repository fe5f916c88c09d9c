"""What happens when a candidate presses one of the bot's inline buttons."""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram import keyboards
from bot.channels.telegram.callbacks import Action, Button, parse
from bot.channels.telegram.candidate import count_reply, presentation
from bot.channels.telegram.delivery import say, send_sections
from bot.channels.telegram.handoff import hand_off
from bot.channels.telegram.services import Services, services
from bot.channels.telegram.sessions import Session
from bot.core.phrases import phrase

log = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button: parse its data, then act on it."""
    query = update.callback_query
    assert query is not None
    button = parse(query.data)
    svc = services(context)
    session = svc.sessions.get(query.from_user)
    feedback = button is not None and button.action in (Action.HELPFUL, Action.UNHELPFUL)
    await query.answer(phrase("feedback_thanks", session.lang) if feedback else None)
    if button is None:
        log.warning("unknown button data=%r", query.data)
        return
    if button.action in (Action.TOPIC, Action.CHOICE):
        await _answer_topic(update, context, svc, session, button)
    elif button.action is Action.NONE:
        session.incoming(phrase("none_of_these", session.lang), "command")
        await _drop_keyboard(query)
        await say(
            context.bot,
            _chat(query),
            session,
            phrase("none_offer", session.lang),
            keyboards.human(session.lang),
        )
    elif button.action is Action.HUMAN:
        session.incoming(phrase("talk_to_recruiter", session.lang), "handoff")
        await _drop_keyboard(query)
        await hand_off(update, context, session, None)
    elif feedback:
        session.log.feedback(button.value, button.action is Action.HELPFUL)
        with contextlib.suppress(BadRequest):  # the message is too old to edit
            message = query.message
            markup = message.reply_markup if isinstance(message, Message) else None
            await query.edit_message_reply_markup(keyboards.without_feedback(markup))
    elif button.action is Action.LANGUAGE and button.value in keyboards.LANGUAGE_NAMES:
        session.lang = button.value
        session.incoming(keyboards.LANGUAGE_NAMES[button.value], "command")
        await _drop_keyboard(query)
        await say(context.bot, _chat(query), session, phrase("language_set", session.lang))
    elif button.action is Action.FORGET:
        await _forget(query, svc, session, erase=button.value == "yes")


async def _answer_topic(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    session: Session,
    button: Button,
) -> None:
    """A topic from a list, a related-topic button, or a "did you mean" choice."""
    query = update.callback_query
    assert query is not None
    posting = svc.responder.knowledge.posting(session.posting)
    if not posting.has_topic(button.value):
        await say(context.bot, _chat(query), session, phrase("topic_gone", session.lang))
        return
    start = time.perf_counter()
    reply = svc.responder.answer_topic(button.value, session.lang, session.posting)
    title = posting.topic(button.value).text(session.lang).title
    session.incoming(title, "command", topics=(button.value,))
    if button.action is Action.CHOICE:
        await _drop_keyboard(query)
    seconds = time.perf_counter() - start
    message_id = session.log.reply(reply, 1000 * seconds)
    count_reply(reply, seconds)
    session.said(reply.text)
    markup, sections = presentation(svc.responder, session, reply, message_id)
    await send_sections(context.bot, _chat(query), sections, markup)


async def _forget(query: CallbackQuery, svc: Services, session: Session, *, erase: bool) -> None:
    if not erase:
        session.incoming(phrase("forget_no", session.lang), "command")
        session.log.outgoing(phrase("forget_kept", session.lang), "command", session.lang)
        await query.edit_message_text(phrase("forget_kept", session.lang))
        return
    try:
        count = await svc.store.erase_candidate(session.log.candidate)
    except Exception:
        log.exception("erasure failed candidate=%s", session.log.candidate)
        await query.edit_message_text(phrase("forget_failed", session.lang))
        return
    # Nothing more is logged about this candidate: writing again starts a new record.
    svc.sessions.forget(query.from_user.id)
    log.info("candidate erased rows=%d", count)
    await query.edit_message_text(phrase("forget_done", session.lang, count=str(count)))


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons once one was chosen, so the choice can't be made twice."""
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)


def _chat(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message else query.from_user.id

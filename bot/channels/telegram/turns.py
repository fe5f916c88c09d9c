"""One conversation event through the core, and its turn carried out on Telegram."""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import CallbackQuery, InlineKeyboardMarkup, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram import keyboards
from bot.channels.telegram.chats import CandidateChat
from bot.channels.telegram.delivery import send_sections
from bot.channels.telegram.handoff import post_hand_off
from bot.channels.telegram.services import services
from bot.core.conversation import Erased, Event, HandedOff, Menu, MenuKind
from bot.ops.metrics import REPLIES, REPLY_LATENCY
from bot.store.conversation import outcome_of

log = logging.getLogger(__name__)


async def play(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    session: CandidateChat,
    event: Event,
    *,
    user: User | None = None,
    query: CallbackQuery | None = None,
    edit: CallbackQuery | None = None,
) -> None:
    """Step the conversation with `event`, log the turn, send its messages, carry out its
    effect. A pressed button (`query`) is answered first; with `edit`, the turn's messages
    replace the one that holds the pressed button."""
    svc = services(context)
    start = time.perf_counter()
    session.state, turn = svc.conversation.step(session.state, event)
    seconds = time.perf_counter() - start
    if query is not None:
        await query.answer(turn.toast)
    ids = session.log.record(turn, 1000 * seconds)
    for say, message_id in zip(turn.says, ids, strict=True):
        if say.answer is not None:
            REPLIES.labels(outcome_of(say.answer), say.answer.reply_lang).inc()
            REPLY_LATENCY.observe(seconds)
        if edit is not None:
            with contextlib.suppress(TelegramError):  # the message is too old to edit
                await edit.edit_message_text(say.text)
        else:
            await send_sections(context.bot, chat_id, say.blocks, markup(say.menu, message_id))
    if turn.handoff is not None:
        who = user or (query.from_user if query else None)
        assert who is not None, "a hand-off needs the candidate"
        delivered = await post_hand_off(context, svc, who, session, turn.handoff)
        await play(context, chat_id, session, HandedOff(turn.handoff.kind, delivered))
    if turn.erase:
        await _erase(context, chat_id, session, query or edit)


async def _erase(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    session: CandidateChat,
    query: CallbackQuery | None,
) -> None:
    svc = services(context)
    try:
        count: int | None = await svc.store.erase_candidate(session.log.candidate)
    except Exception:
        log.exception("erasure failed candidate=%s", session.log.candidate)
        count = None
    else:
        # Nothing more is logged about this candidate: writing again starts a new record.
        svc.chats.forget(session.user_id)
        log.info("candidate erased rows=%d", count)
    await play(context, chat_id, session, Erased(count), edit=query)


def markup(menu: Menu | None, message_id: str | None) -> InlineKeyboardMarkup | None:
    """The inline keyboard of `menu`; feedback buttons refer to the logged `message_id`."""
    if menu is None:
        return None
    match menu.kind:
        case MenuKind.TOPICS:
            return keyboards.topics(menu.items)
        case MenuKind.CHOICES:
            return keyboards.clarify(menu.items, menu.lang)
        case MenuKind.HUMAN:
            return keyboards.human(menu.lang)
        case MenuKind.LANGUAGES:
            return keyboards.languages()
        case MenuKind.FORGET:
            return keyboards.forget(menu.lang)
    return keyboards.answer(
        message_id,
        menu.items,
        feedback=menu.feedback,
        more=menu.more,
        human=menu.lang if menu.human else None,
    )

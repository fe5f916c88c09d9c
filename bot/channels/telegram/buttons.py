"""What happens when a candidate presses one of the bot's inline buttons."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram import keyboards
from bot.channels.telegram.callbacks import Action, Button, parse
from bot.channels.telegram.services import services
from bot.channels.telegram.turns import play
from bot.core.conversation import (
    ChooseTopic,
    Event,
    Feedback,
    Forget,
    HumanButton,
    NoneOfThese,
    SetLanguage,
)

log = logging.getLogger(__name__)

# Buttons whose keyboard goes once pressed, so the choice can't be made twice.
_SINGLE_USE = frozenset({Action.CHOICE, Action.NONE, Action.HUMAN, Action.LANGUAGE})


def event_of(button: Button) -> Event:
    """The conversation event of a pressed button."""
    match button.action:
        case Action.TOPIC | Action.CHOICE:
            return ChooseTopic(button.value)
        case Action.NONE:
            return NoneOfThese()
        case Action.HUMAN:
            return HumanButton()
        case Action.HELPFUL | Action.UNHELPFUL:
            return Feedback(button.value, button.action is Action.HELPFUL)
        case Action.LANGUAGE:
            return SetLanguage(button.value)
    return Forget(confirmed=button.value == "yes")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button: parse its data, then play it in the conversation."""
    query = update.callback_query
    assert query is not None
    button = parse(query.data)
    if button is None:
        await query.answer()
        log.warning("unknown button data=%r", query.data)
        return
    session = services(context).chats.get(query.from_user)
    chat = query.message.chat.id if query.message else query.from_user.id
    forget = button.action is Action.FORGET
    await play(
        context,
        chat,
        session,
        event_of(button),
        query=query,
        edit=query if forget else None,
    )
    if button.action in _SINGLE_USE:
        await _drop_keyboard(query)
    elif button.action in (Action.HELPFUL, Action.UNHELPFUL):
        with contextlib.suppress(BadRequest):  # the message is too old to edit
            message = query.message
            markup = message.reply_markup if isinstance(message, Message) else None
            await query.edit_message_reply_markup(keyboards.without_feedback(markup))


async def _drop_keyboard(query: CallbackQuery) -> None:
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)

"""Sending to a chat: HTML, split to Telegram's limits, logged in the transcript."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

from bot.channels.telegram.formatting import messages_html
from bot.core.dialogue import Section

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_html(
    bot: Bot,
    chat_id: int,
    messages: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send the HTML messages in order; the keyboard goes under the last one."""
    sent: Message | None = None
    for i, text in enumerate(messages):
        last = i == len(messages) - 1
        sent = await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
            link_preview_options=NO_PREVIEW,
        )
    assert sent is not None, "nothing to send"
    return sent


async def send_sections(
    bot: Bot,
    chat_id: int,
    sections: Sequence[Section],
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    return await send_html(bot, chat_id, messages_html(sections), markup)

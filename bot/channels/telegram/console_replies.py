"""Replies written in the recruiter console, sent to candidates by the bot.

The console only queues them in the database (see `bot.store.handoffs`); this loop
takes what is pending every few seconds and sends it as a recruiter's message, logged in
the candidate's transcript like a reply from the recruiters' group.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot

from bot.channels.telegram.chats import CHANNEL
from bot.channels.telegram.handoff import relay_to_candidate
from bot.channels.telegram.services import Services
from bot.store.handoffs import Outgoing, ReplyOutbox

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0


async def send_pending(bot: Bot, svc: Services, outbox: ReplyOutbox) -> int:
    """Send every pending console reply once; how many were delivered."""
    delivered = 0
    for item in await outbox.take():
        problem = await _send(bot, svc, item)
        await outbox.settle(item.reply.id, problem)
        if problem is None:
            delivered += 1
            log.info("console reply sent id=%d by=%s", item.reply.id, item.reply.author)
        else:
            log.warning("console reply not sent id=%d: %s", item.reply.id, problem)
    return delivered


async def run(bot: Bot, svc: Services, outbox: ReplyOutbox) -> None:
    """Send pending console replies until cancelled."""
    await outbox.recover()
    while True:
        try:
            await send_pending(bot, svc, outbox)
        except Exception:  # the database is busy or gone: try again at the next round
            log.exception("console replies: round failed")
        await asyncio.sleep(POLL_SECONDS)


async def _send(bot: Bot, svc: Services, item: Outgoing) -> str | None:
    if item.channel != CHANNEL or not (item.external_id or "").lstrip("-").isdigit():
        return "the candidate is not on Telegram, so the bot cannot reach them"
    return await relay_to_candidate(bot, svc, int(item.external_id or 0), item.reply.text)

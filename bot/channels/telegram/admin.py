"""Admin commands (/stats, /unanswered, /reload) and the error handler that alerts admins."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.channels.telegram.delivery import send_html
from bot.channels.telegram.formatting import escape, split_text
from bot.channels.telegram.services import services
from bot.core.phrases import phrase
from bot.core.vocabulary import Outcome
from bot.database_location import Location
from bot.ops.metrics import HANDLER_ERRORS
from bot.store import queries
from bot.store.connections import TranscriptsError, reading
from bot.store.periods import last_days, today
from bot.transcripts.grouping import group_questions
from bot.transcripts.stats import Stats, compute

log = logging.getLogger(__name__)

UNANSWERED_DAYS = 7
UNANSWERED_TOP = 10


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in services(context).settings.admin_ids


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: today's figures (admins only; silent for anyone else)."""
    await _report(update, context, _today)


async def on_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered: the most asked questions the bot couldn't answer this week."""
    await _report(update, context, _unanswered)


async def _report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, report: Callable[[Location], str]
) -> None:
    """Answer an admin with `report` over the transcript database, read in a thread."""
    if not is_admin(update, context):
        return
    svc = services(context)
    await svc.store.flush(timeout_s=2.0)  # so that the last minutes count
    try:
        text = await asyncio.to_thread(report, svc.settings.database)
    except TranscriptsError as exc:
        text = str(exc)
    await _reply(update, context, text)


async def on_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: check the knowledge folder beside the one in use; swap only if it passes."""
    if not is_admin(update, context):
        return
    svc = services(context)
    assert svc.reloader is not None
    result = await svc.reloader.reload("/reload", force=True, notify=False)
    if result.status == "loaded":
        kb = svc.responder.knowledge
        topics = sum(len(p.topics) for p in kb.postings.values())
        text = f"Reloaded: {len(kb.postings)} postings, {topics} topics."
    else:
        text = result.describe()
    await _reply(update, context, text)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler failure with its context, alert the admins, apologise to the candidate."""
    error = context.error
    HANDLER_ERRORS.inc()
    where = "no update"
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f"update_id={update.update_id} chat={chat.id if chat else None}"
    log.error("handler failed %s: %r", where, error, exc_info=error)
    try:
        svc = services(context)
        await svc.alerts.send(
            context.bot, f"⚠️ The bot hit an error ({where}): {type(error).__name__}: {error}"
        )
        chat = update.effective_chat if isinstance(update, Update) else None
        user = update.effective_user if isinstance(update, Update) else None
        if chat is not None and user is not None and chat.type == ChatType.PRIVATE:
            session = svc.chats.get(user)
            text = phrase("error", session.lang)
            session.log.outgoing(text, Outcome.COMMAND, session.lang)
            await context.bot.send_message(chat.id, text)
    except Exception:  # the error handler must never fail in turn
        log.exception("error handler failed %s", where)


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send_html(context.bot, chat.id, [escape(p) for p in split_text(text, 4000)])


def _today(database: Location) -> str:
    period = last_days(1)
    with reading(database) as db:
        return _stats_text(compute(queries.scoped_messages(db, period, None), period, None))


def _stats_text(s: Stats) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.0f}%"

    lines = [
        f"Today ({today()} UTC)",
        f"Conversations: {s.conversations}, questions: {s.questions}, replies: {s.replies}",
        f"Answered {pct(s.rate('answer'))}, clarified {pct(s.rate('clarify'))}, "
        f"not answered {pct(s.rate('fallback'))}",
        f"Handed off to a recruiter: {s.handed_off} conversations",
        f"Feedback: {s.helpful} 👍 of {s.votes} votes ({pct(s.helpful_ratio)})",
    ]
    if s.topics:
        lines.append("Top topics: " + ", ".join(f"{t} ({n})" for t, n in s.topics[:5]))
    if s.languages:
        lines.append("Languages: " + ", ".join(f"{t.label} {t.questions}" for t in s.languages))
    return "\n".join(lines)


def _unanswered(database: Location) -> str:
    period = last_days(UNANSWERED_DAYS)
    with reading(database) as db:
        asked = queries.fallback_questions(db, period, None)
    groups = group_questions(asked)
    if not groups:
        return f"No unanswered questions in the last {UNANSWERED_DAYS} days."
    lines = [f"Unanswered in the last {UNANSWERED_DAYS} days: {len(asked)} questions"]
    lines += [f"{g.count}× {g.example} ({', '.join(g.languages)})" for g in groups[:UNANSWERED_TOP]]
    return "\n".join(lines)

"""Hand-off to a human: the question goes to the recruiters' group, their replies come back.

The group post carries the candidate's tag (#c<user id>), so a recruiter's reply
finds its candidate even after a restart, and recruiters can search the group
for one candidate's hand-offs.
"""

from __future__ import annotations

import logging
import re

from telegram import Bot, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram.chats import CandidateChat
from bot.channels.telegram.delivery import send_html
from bot.channels.telegram.formatting import escape
from bot.channels.telegram.services import Services, services
from bot.core.conversation import HandOff, HandOffKind, RecruiterSaid
from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase

log = logging.getLogger(__name__)

CANDIDATE_TAG = re.compile(r"#c(\d+)\b")
MAX_QUESTION_CHARS = 1500
MAX_CONTEXT_LINE_CHARS = 300
SPEAKERS = {"candidate": "👤", "bot": "🤖", "recruiter": "🧑‍💼"}
# The first line of a relayed recruiter message, in every language: a candidate's
# reply to such a message goes back to the recruiters.
RECRUITER_HEADERS = tuple(phrase("recruiter_reply", lang) for lang in LANGUAGES)


async def post_hand_off(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    user: User,
    session: CandidateChat,
    job: HandOff,
) -> bool:
    """Post the candidate's question (or their answer to a recruiter) to the recruiters'
    group, with the recent messages; False when it could not be posted."""
    heading = (
        "🙋 New question for a recruiter"
        if job.kind is HandOffKind.QUESTION
        else "💬 The candidate answered"
    )
    return await _post_to_recruiters(context, svc, _post(svc, user, session, heading, job.text))


def is_reply_to_recruiter(message: Message, bot_id: int) -> bool:
    """The candidate answers a recruiter's relayed message."""
    original = message.reply_to_message
    return (
        original is not None
        and original.from_user is not None
        and original.from_user.id == bot_id
        and (original.text or "").startswith(RECRUITER_HEADERS)
    )


async def on_recruiter_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A recruiter replied, in the recruiters' group, to one of the bot's hand-off posts."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    original = message.reply_to_message
    tag = CANDIDATE_TAG.search(original.text or "")
    if original.from_user is None or original.from_user.id != context.bot.id or tag is None:
        return  # recruiters talking among themselves
    if not message.text:
        await message.reply_text("Only text replies can be passed on to the candidate.")
        return
    problem = await relay_to_candidate(
        context.bot, services(context), int(tag.group(1)), message.text
    )
    await message.reply_text(problem or "✓ Sent to the candidate.")


async def relay_to_candidate(bot: Bot, svc: Services, candidate: int, text: str) -> str | None:
    """A recruiter's words to the candidate, logged in their conversation; what went
    wrong, for the recruiter, or None once delivered."""
    session = svc.chats.get(candidate)
    session.state, turn = svc.conversation.step(session.state, RecruiterSaid(text))
    session.log.record(turn, 0.0)
    hint = phrase("reply_hint", session.lang)
    try:
        for say in turn.says:
            relay = (
                f"<b>{escape(phrase('recruiter_reply', session.lang))}</b>\n"
                f"{escape(say.text)}\n\n<i>{escape(hint)}</i>"
            )
            await send_html(bot, candidate, [relay])
    except Forbidden:
        return "Not delivered: the candidate has blocked the bot."
    except TelegramError as exc:
        log.error("recruiter reply not delivered candidate=%s error=%s", candidate, exc)
        return f"Not delivered ({exc}). Please try again later."
    return None


def _post(svc: Services, user: User, session: CandidateChat, heading: str, question: str) -> str:
    posting = svc.responder.knowledge.posting(session.posting)
    who = escape(user.full_name) + (f" (@{escape(user.username)})" if user.username else "")
    lines = [
        f"<b>{heading}</b> #c{user.id}",
        f"{who} · {session.lang} · {escape(posting.title.en)}",
        "",
        f"<b>Question:</b> {escape(_cut(question, MAX_QUESTION_CHARS))}",
    ]
    context = [(who_, text) for who_, text in session.state.recent if text != question]
    if context:
        lines += ["", "<b>Recent messages:</b>"]
        lines += [
            f"{SPEAKERS.get(speaker, '•')} {escape(_cut(text, MAX_CONTEXT_LINE_CHARS))}"
            for speaker, text in context
        ]
    lines += ["", "<i>Reply to this message to answer the candidate.</i>"]
    return "\n".join(lines)


async def _post_to_recruiters(context: ContextTypes.DEFAULT_TYPE, svc: Services, post: str) -> bool:
    group = svc.settings.recruiter_chat_id
    if group is None:
        return False
    try:
        await context.bot.send_message(group, post, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.error("hand-off not posted to the recruiters' group chat=%s error=%s", group, exc)
        await svc.alerts.send(
            context.bot, f"⚠️ A hand-off could not be posted to the recruiters' group: {exc}"
        )
        return False
    return True


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""`python -m bot kb notify TOPIC`: send a new answer to the candidates who asked for it.

When an admin adds a topic for a question the bot could not answer, the
candidates who asked it can get the answer after all. The command finds the
fallbacks of the last `--since` days, in conversations still within the
retention period, that the current knowledge base now answers with TOPIC, and
lists who would get what. With `--send` it sends each Telegram candidate one
message in their language, records it in the `notifications` table (one per
candidate and topic, so a second run sends nothing) and logs it in the
candidate's latest conversation with the outcome `notify`.

A notification is claimed in the table before it is sent and released if
Telegram refuses it: a crash between the two leaves a candidate un-notified
rather than notified twice.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.channels.telegram.formatting import messages_html
from bot.core.dialogue import Outcome, Responder, Section
from bot.core.knowledge import LANGUAGES, load_knowledge
from bot.core.phrases import phrase
from bot.database_location import Location
from bot.kb.transcript_args import CommandError, friendly, period_since, transcript_arguments
from bot.settings import Settings
from bot.store.connections import reading
from bot.store.database import engine_for
from bot.store.events import new_id
from bot.store.evidence import (
    NOTIFICATIONS_VERSION,
    UnansweredQuestion,
    fallbacks,
    notified,
)
from bot.store.migrations.revision import revision_of
from bot.store.notifications import Notifications
from bot.transcripts.render import printable

TELEGRAM = "telegram"
OUTCOME = Outcome.NOTIFY
MAX_QUOTE_CHARS = 200
MAX_RETRIES = 3  # after a 429, per message


class Status(StrEnum):
    SEND = "would send"
    ALREADY = "already notified"
    UNREACHABLE = "not reachable (only Telegram candidates can be notified)"


@dataclass(frozen=True, slots=True)
class Notice:
    """What one candidate would get."""

    asked: UnansweredQuestion
    lang: str
    intro: str
    answer: str
    status: Status

    @property
    def text(self) -> str:
        """As logged in the transcript."""
        return f"{self.intro}\n\n{self.answer}"

    @property
    def chat_id(self) -> int | None:
        if self.asked.channel != TELEGRAM or not self.asked.external_id:
            return None
        try:
            return int(self.asked.external_id)
        except ValueError:
            return None


def plan(
    asked: Sequence[UnansweredQuestion], responder: Responder, topic: str, already: set[str]
) -> list[Notice]:
    """One notice per candidate, for their latest question the knowledge base now answers
    with `topic`. `asked` is newest first."""
    notices: dict[str, Notice] = {}
    for item in asked:
        if item.candidate in notices or item.posting not in responder.knowledge.postings:
            continue
        posting = responder.knowledge.posting(item.posting)
        if not posting.has_topic(topic):
            continue
        reply = responder.reply(item.text, item.posting, item.lang)
        if reply.outcome is not Outcome.ANSWER or topic not in reply.topics:
            continue
        lang = next((x for x in (item.lang, item.language) if x in LANGUAGES), reply.reply_lang)
        quote = (
            item.text if len(item.text) <= MAX_QUOTE_CHARS else item.text[:MAX_QUOTE_CHARS] + "…"
        )
        notice = Notice(
            asked=item,
            lang=lang,
            intro=phrase("notify_intro", lang, question=quote),
            answer=responder.reply(item.text, item.posting, lang).text,
            status=Status.SEND,
        )
        if item.candidate in already:
            notice = _with(notice, Status.ALREADY)
        elif notice.chat_id is None:
            notice = _with(notice, Status.UNREACHABLE)
        notices[item.candidate] = notice
    return list(notices.values())


def _with(notice: Notice, status: Status) -> Notice:
    return Notice(notice.asked, notice.lang, notice.intro, notice.answer, status)


# -- the command -----------------------------------------------------------------------------


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    about = "Send a new answer to the candidates whose question went unanswered (dry run first)."
    p = sub.add_parser("notify", help=about, description=about)
    p.add_argument("topic", metavar="TOPIC", help="the topic id that now answers them")
    p.add_argument(
        "--send",
        action="store_true",
        help="send on Telegram (default: only list who would get what)",
    )
    transcript_arguments(p, settings)
    p.set_defaults(func=friendly(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.send and settings.telegram_bot_token is None:
        print(
            "Error: --send needs the bot's token: set TELEGRAM_BOT_TOKEN (nothing was sent).",
            file=sys.stderr,
        )
        return 2
    responder = Responder(load_knowledge(settings.knowledge, args.posting or settings.posting))
    postings = [args.posting] if args.posting else list(responder.knowledge.postings)
    if not any(responder.knowledge.posting(slug).has_topic(args.topic) for slug in postings):
        raise CommandError(
            f"No topic {args.topic!r} in the knowledge base {settings.knowledge}"
            + (f" for posting {args.posting}" if args.posting else "")
            + ". Add it first; `kb notify` sends answers that exist."
        )
    period = period_since(args.since)
    cutoff = (datetime.now(UTC) - timedelta(days=settings.retention_days)).isoformat(
        timespec="milliseconds"
    )
    with reading(settings.database) as db:
        asked = fallbacks(db, period, cutoff, args.posting)
        already = notified(db, args.topic)
        version = revision_of(db)
    notices = plan(asked, responder, args.topic, already)
    _print_plan(notices, args.topic, period.describe(), settings.retention_days)
    if not args.send:
        if any(n.status is Status.SEND for n in notices):
            print("\nDry run: nothing was sent. Add --send to send these messages.")
        return 0
    if version < NOTIFICATIONS_VERSION:
        raise CommandError(
            f"{settings.database} is at schema version {version}; sending needs version "
            f"{NOTIFICATIONS_VERSION}. Start the bot once to upgrade it (nothing was sent)."
        )
    to_send = [n for n in notices if n.status is Status.SEND]
    if not to_send:
        print("\nNothing to send.")
        return 0
    assert settings.telegram_bot_token is not None
    outcome = asyncio.run(
        _send_all(
            to_send,
            args.topic,
            settings.database,
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_base_url,
            settings.telegram_max_rate,
        )
    )
    print(
        f"\nSent {outcome.sent}; blocked {outcome.blocked}; failed {outcome.failed}; "
        f"skipped (notified meanwhile) {outcome.skipped}."
    )
    return 1 if outcome.failed else 0


def _print_plan(notices: Sequence[Notice], topic: str, period: str, retention: int) -> None:
    counts = {status: sum(1 for n in notices if n.status is status) for status in Status}
    print(
        f"Topic {topic}: unanswered questions {period}, in conversations active in the last "
        f"{retention} days, that the knowledge base now answers with it."
    )
    print(
        f"{counts[Status.SEND]} to notify, {counts[Status.ALREADY]} already notified, "
        f"{counts[Status.UNREACHABLE]} not reachable."
    )
    for notice in notices:
        asked = notice.asked
        print()
        when = asked.at[:16].replace("T", " ")
        who = printable(f"{asked.candidate}  {asked.who}")
        print(f"{who}  {notice.lang}  asked {when} UTC: {asked.text!r}")
        print(f"  -> {notice.status.value}")
        if notice.status is Status.SEND:
            for line in printable(notice.text).splitlines():
                print(f"     | {line}")


@dataclass(slots=True)
class Outcomes:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0


async def _send_all(
    notices: Sequence[Notice],
    topic: str,
    database: Location,
    token: str,
    base_url: str,
    max_rate: float,
) -> Outcomes:
    outcome = Outcomes()
    engine = engine_for(database)
    store = Notifications(engine)
    try:
        async with Bot(token, base_url=base_url) as bot:
            for notice in notices:
                await _send_one(bot, store, notice, topic, outcome)
                if max_rate > 0:
                    await asyncio.sleep(1 / max_rate)  # Telegram's overall cap
    except TelegramError as exc:  # getMe failed: a wrong token or Telegram unreachable
        raise CommandError(
            f"Telegram refused to start: {exc} (already sent: {outcome.sent})"
        ) from None
    finally:
        await engine.dispose()
    return outcome


async def _send_one(
    bot: Bot, store: Notifications, notice: Notice, topic: str, outcome: Outcomes
) -> None:
    asked, chat_id = notice.asked, notice.chat_id
    assert chat_id is not None
    message_id = new_id()
    if not await store.claim(asked.candidate, topic, message_id):
        outcome.skipped += 1
        print(f"{asked.candidate}: already notified by another run, skipped")
        return
    delivered = 0
    try:
        for html in messages_html([Section(notice.intro), Section(notice.answer)]):
            await _send_html(bot, chat_id, html)
            delivered += 1
    except Forbidden as exc:
        outcome.blocked += 1
        print(f"{asked.candidate}: not sent, the candidate has blocked the bot ({exc.message})")
        await store.release(asked.candidate, topic)
        return
    except TelegramError as exc:
        if not delivered:
            outcome.failed += 1
            print(f"{asked.candidate}: not sent, Telegram said: {exc.message}")
            await store.release(asked.candidate, topic)
            return
        print(f"{asked.candidate}: only part of the message was sent: {exc.message}")
    await store.log_sent(
        candidate=asked.candidate,
        fallback_conversation=asked.conversation,
        topic=topic,
        message_id=message_id,
        channel=TELEGRAM,
        text=notice.text,
        outcome=OUTCOME,
        lang=notice.lang,
    )
    outcome.sent += 1
    print(f"{asked.candidate}: sent ({notice.lang})")


async def _send_html(bot: Bot, chat_id: int, html: str) -> None:
    for attempt in range(MAX_RETRIES + 1):
        try:
            await bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
            return
        except RetryAfter as exc:
            if attempt == MAX_RETRIES:
                raise
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta) else wait)

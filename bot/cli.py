"""Command line: `python -m bot run|chat|ask|eval|transcripts|kb|db|console|users`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import signal
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.channels.telegram import notify
from bot.console.cli import add_commands as add_console_commands
from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.database_location import NotOnPostgreSQL
from bot.evaluation import evaluate, format_report, read_devset, read_off_topic_sets
from bot.kb.cli import add_commands as add_kb_commands
from bot.log_setup import configure_logging
from bot.settings import Settings, markdown_table, with_flags
from bot.store.cli import add_commands as add_db_commands
from bot.transcripts.cli import add_commands as add_transcript_commands

DEVSET = Path("tests/data/devset.tsv")
# Never used to tune thresholds or to write knowledge examples: see README, "Quality".
HELD_OUT = Path("tests/data/heldout.tsv")
OFF_TOPIC_DIR = Path("tests/data/third_party")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `hirebot` script."""
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "\n".join(
            f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
            for e in exc.errors(include_input=False)
        )
        print(f"Configuration error (see README, Configuration):\n{problems}", file=sys.stderr)
        return 2
    args = _parser(settings).parse_args(argv)
    settings = with_flags(settings, args)
    configure_logging(settings)
    try:
        return int(args.func(args, settings) or 0)
    except KnowledgeError as exc:
        print(
            f"{exc}\n(the knowledge folder comes from --knowledge or BOT_KNOWLEDGE)",
            file=sys.stderr,
        )
        return 1
    except NotOnPostgreSQL as exc:
        print(f"Error: {exc}.", file=sys.stderr)
        return 1


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.set_defaults(func=_run)
    sub = parser.add_subparsers(title="commands")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--knowledge",
            type=Path,
            help=f"knowledge folder (default: {settings.knowledge}, from BOT_KNOWLEDGE)",
        )
        p.add_argument(
            "--posting",
            help="posting slug (default: $BOT_POSTING or the default posting)",
        )
        return p

    command(
        "run", "Serve Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal chat."
    ).set_defaults(func=_run)
    command("chat", "Chat with the bot in this terminal.").set_defaults(func=_chat)

    ask = command("ask", "Answer questions from the arguments, or one per stdin line.")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("question", nargs="*", help="the question (joined with spaces)")
    ask.set_defaults(func=_ask)

    ev = command("eval", "Measure accuracy and out-of-scope rejection on labelled questions.")
    ev.add_argument("--devset", type=Path, default=DEVSET)
    ev.add_argument("--held-out", type=Path, default=HELD_OUT)
    ev.add_argument("--off-topic-dir", type=Path, default=OFF_TOPIC_DIR)
    ev.add_argument("--misses", type=int, default=0, metavar="N", help="list N misses per group")
    ev.add_argument("--json", action="store_true")
    ev.add_argument(
        "--tune",
        action="store_true",
        help="choose thresholds by cross-validation on the knowledge base",
    )
    ev.set_defaults(func=_eval)
    sub.add_parser(
        "settings", help="Print the settings table (environment variables) as Markdown."
    ).set_defaults(func=_settings_table)
    add_transcript_commands(sub, settings)
    add_kb_commands(sub, settings, notify)
    add_db_commands(sub, settings)
    add_console_commands(sub, settings)
    return parser


def _settings_table(args: argparse.Namespace, settings: Settings) -> int:
    print(markdown_table(), end="")
    return 0


def _responder(settings: Settings) -> Responder:
    responder = Responder(load_knowledge(settings.knowledge, settings.posting))
    responder.warm_up()  # load the language model now, not on the first question
    return responder


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the terminal chat.", file=sys.stderr)
        if settings.console:
            print(
                "BOT_CONSOLE is served beside Telegram only; for the terminal chat, start "
                "the recruiter console on its own: python -m bot console",
                file=sys.stderr,
            )
        return _chat(args, settings)
    from bot.channels.telegram.runner import serve

    responder = _responder(settings)
    mode = "webhook" if settings.webhook_url else "polling"
    print(f"TELEGRAM_BOT_TOKEN is set: serving Telegram ({mode}).", file=sys.stderr)
    return asyncio.run(serve(settings, responder))


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_chat_logged(_responder(settings), settings.posting, settings))
    return 0


async def _chat_logged(responder: Responder, posting: str | None, settings: Settings) -> None:
    from bot.channels.terminal import TerminalChat
    from bot.runtime.reload import KnowledgeReloader, ReloadResult
    from bot.store import TranscriptStore
    from bot.store.conversation import ConversationLog

    slug = responder.knowledge.posting(posting).slug
    async with TranscriptStore(settings.database) as store:
        log = ConversationLog(store, "terminal", getpass.getuser(), slug)
        chat = TerminalChat(responder, slug, log)

        async def refused(result: ReloadResult) -> None:
            print(f"\n{result.describe()}", file=sys.stderr)

        reloader = KnowledgeReloader(
            settings.knowledge,
            posting,
            responder,
            on_swap=lambda fresh: setattr(chat.conversation, "responder", fresh),
            on_refused=refused,
        )
        running = asyncio.create_task(chat.run())
        background: list[asyncio.Task[Any]] = (
            [asyncio.create_task(reloader.watch())] if settings.watch_knowledge else []
        )
        # SIGINT or SIGTERM ends the chat; leaving the `async with` flushes the store.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, running.cancel)
        loop.add_signal_handler(
            signal.SIGHUP,
            lambda: background.append(loop.create_task(reloader.reload("SIGHUP", force=True))),
        )
        with contextlib.suppress(asyncio.CancelledError):
            await running
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    responder = _responder(settings)
    questions = (
        [" ".join(args.question)] if args.question else (line.rstrip("\r\n") for line in sys.stdin)
    )
    for question in questions:
        reply = responder.reply(question, settings.posting)
        if args.json:
            print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
        else:
            detail = reply.topic or ", ".join(reply.suggestions) or "-"
            print(
                f"[{reply.outcome.value} {detail} {reply.confidence:.2f} {reply.lang}] {question}"
            )
            print(reply.text, end="\n\n", flush=True)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    if not args.devset.is_file():
        print(
            f"dev set not found: {args.devset} (run from the repository or pass --devset)",
            file=sys.stderr,
        )
        return 2
    responder = _responder(settings)
    off_topic = read_off_topic_sets(args.off_topic_dir)
    if args.tune:
        from bot.tuning import tune

        print(tune(responder.knowledge.posting(settings.posting), off_topic))
        return 0
    held_out = read_devset(args.held_out) if args.held_out.is_file() else []
    report = evaluate(responder, read_devset(args.devset), off_topic, held_out)
    print(
        json.dumps(report.as_json(), indent=2) if args.json else format_report(report, args.misses)
    )
    return 0

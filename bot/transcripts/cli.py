"""`python -m bot transcripts list|show|export|unanswered|stats|purge|erase`."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text
from sqlalchemy.exc import DBAPIError

from bot.database_location import Location, parse_location, redacted
from bot.settings import Settings
from bot.store import TranscriptStore, queries
from bot.store.connections import Database, TranscriptsError, check, reading
from bot.store.filters import ConversationFilter
from bot.store.periods import Period, last_days, parse_day, today
from bot.store.queries import Transcript
from bot.transcripts.export import write_csv, write_jsonl
from bot.transcripts.grouping import group_questions
from bot.transcripts.html_report import write_html
from bot.transcripts.pseudonyms import Pseudonymizer, salt
from bot.transcripts.render import (
    print_conversations,
    print_stats,
    print_transcript,
    print_unanswered,
    printable,
)
from bot.transcripts.stats import compute

Handler = Callable[[argparse.Namespace, Settings], int]
STATS_DAYS = 30


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    """Register `transcripts` and its sub-commands on the main parser's subparsers."""
    about = "Recruiter tools: read, count, export and erase candidate conversations."
    top = subparsers.add_parser("transcripts", help=about, description=about)
    top.set_defaults(func=_usage(top))
    sub = top.add_subparsers(title="sub-commands", metavar="COMMAND")

    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database",
        type=parse_location,
        metavar="PATH",
        help=f"transcript database (default: {redacted(settings.database)}, from BOT_DATABASE)",
    )
    period = argparse.ArgumentParser(add_help=False)
    period.add_argument(
        "--since", type=day_argument, metavar="DATE", help="YYYY-MM-DD, today, or 7d"
    )
    period.add_argument("--until", type=day_argument, metavar="DATE", help="last day included")
    period.add_argument("--posting", metavar="SLUG", help="only this posting")
    filters = argparse.ArgumentParser(add_help=False, parents=[period])
    filters.add_argument(
        "--outcome", choices=queries.OUTCOMES, help="has at least one message with this outcome"
    )
    filters.add_argument(
        "--unanswered", action="store_true", help="the bot could not answer at least once"
    )
    filters.add_argument("--handed-off", action="store_true", help="handed off to a recruiter")
    filters.add_argument("--unhelpful", action="store_true", help="a reply got a 👎")
    filters.add_argument(
        "--unreviewed", action="store_true", help="not reviewed in the console since it changed"
    )
    filters.add_argument(
        "--lang", metavar="LANG", help="the candidate wrote in this language: en, fr, es..."
    )
    filters.add_argument(
        "--search", metavar="WORDS", default="", help="these words, or the candidate's name"
    )

    def command(
        name: str, about: str, handler: Handler, *parents: argparse.ArgumentParser
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=about, description=about, parents=[database, *parents])
        p.set_defaults(func=_friendly(handler))
        return p

    listing = command("list", "Recent conversations, most recently active first.", _list, filters)
    listing.add_argument("--limit", type=_positive, default=50, metavar="N", help="default 50")

    show = command("show", "Read one conversation, message by message.", _show)
    show.add_argument("id", metavar="ID", help="conversation id, or its first characters")

    export = command(
        "export", "Export conversations as CSV, JSON Lines or an HTML page.", _export, filters
    )
    export.add_argument(
        "--format",
        choices=("csv", "jsonl", "html"),
        default="csv",
        help="csv for spreadsheets (default), jsonl for tools, html for a browser (needs --output)",
    )
    export.add_argument(
        "--output", type=Path, metavar="FILE", help="file to write (default: the terminal)"
    )
    export.add_argument("--limit", type=_positive, metavar="N", help="at most N conversations")
    export.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace names, usernames and ids with stable pseudonyms like candidate-3f9a1c2b",
    )

    unanswered = command(
        "unanswered",
        "The questions the bot could not answer, near duplicates grouped.",
        _unanswered,
        period,
    )
    unanswered.add_argument("--limit", type=_positive, default=30, metavar="N", help="rows")
    unanswered.add_argument("--json", action="store_true", help="JSON for other tools")

    stats = command(
        "stats", f"Figures for a period (default: the last {STATS_DAYS} days).", _stats, period
    )
    stats.add_argument("--json", action="store_true", help="JSON for other tools")

    purge = command("purge", "Delete conversations with no activity for N days.", _purge)
    purge.add_argument(
        "--days",
        type=_positive,
        metavar="N",
        help=f"default: {settings.retention_days}, from BOT_RETENTION_DAYS",
    )

    erase = command("erase", "Erase everything stored about one candidate.", _erase)
    erase.add_argument("candidate", metavar="CANDIDATE_KEY", help="e.g. telegram:12345")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")


# -- argument types and plumbing ------------------------------------------------------


def day_argument(text: str) -> date:
    """An argparse type for YYYY-MM-DD, today, yesterday or 7d."""
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _usage(parser: argparse.ArgumentParser) -> Handler:
    def show_usage(args: argparse.Namespace, settings: Settings) -> int:
        parser.print_help()
        return 2

    return show_usage


def _friendly(handler: Handler) -> Handler:
    """Turn the errors a recruiter can act on into a plain message and exit status 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except TranscriptsError as exc:
            _error(str(exc))
        except (DBAPIError, sqlite3.Error) as exc:
            _error(f"Problem with the transcript database {redacted(settings.database)}: {exc}")
        return 1

    return run


def _error(message: str) -> None:
    Console(stderr=True).print(Text.assemble(("Error: ", "bold red"), printable(message)))


def _filters(args: argparse.Namespace) -> ConversationFilter:
    return ConversationFilter(
        period=Period(args.since, args.until),
        posting=args.posting,
        outcome=args.outcome,
        unanswered=args.unanswered,
        handed_off=args.handed_off,
        unhelpful=args.unhelpful,
        unreviewed=args.unreviewed,
        lang=args.lang,
        search=args.search,
    )


def describe(filters: ConversationFilter) -> str:
    """The filters in words: 'since 2025-06-01, posting x, with no answer'."""
    parts = [filters.period.describe()]
    if filters.posting:
        parts.append(f"posting {filters.posting}")
    if filters.outcome:
        parts.append(f"with a '{filters.outcome}' message")
    if filters.unanswered:
        parts.append("with an unanswered question")
    if filters.handed_off:
        parts.append("handed off")
    if filters.unhelpful:
        parts.append("with a 👎")
    if filters.unreviewed:
        parts.append("not reviewed")
    if filters.lang:
        parts.append(f"in {filters.lang}")
    if filters.search:
        parts.append(f"matching {filters.search!r}")
    return ", ".join(parts)


# -- reading ----------------------------------------------------------------------------


def _list(args: argparse.Namespace, settings: Settings) -> int:
    filters = _filters(args)
    with reading(settings.database) as db:
        rows = queries.conversations(db, filters, args.limit)
        total = queries.count_conversations(db, filters) if len(rows) == args.limit else len(rows)
    print_conversations(Console(), rows, total, describe(filters))
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    with reading(settings.database) as db:
        summary = queries.find_conversation(db, args.id)
        transcript = Transcript(summary, queries.messages(db, summary.id))
    print_transcript(Console(), transcript)
    return 0


def _unanswered(args: argparse.Namespace, settings: Settings) -> int:
    period = Period(args.since, args.until)
    with reading(settings.database) as db:
        asked = queries.fallback_questions(db, period, args.posting)
    groups = group_questions(asked)
    if args.json:
        print(
            json.dumps(
                {
                    "since": str(period.since) if period.since else None,
                    "until": str(period.until) if period.until else None,
                    "posting": args.posting,
                    "unanswered": len(asked),
                    "groups": [g.as_json() for g in groups[: args.limit]],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    scope = period.describe() + (f", posting {args.posting}" if args.posting else "")
    print_unanswered(Console(), groups[: args.limit], len(asked), scope)
    if len(groups) > args.limit:
        print(f"Showing the {args.limit} most asked of {len(groups)} groups (--limit N for more).")
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    if args.since and args.until:
        period = Period(args.since, args.until)
    elif args.since:
        period = Period(args.since, today())
    else:
        period = last_days(STATS_DAYS, now=args.until)
    if period.since and period.until and period.since > period.until:
        raise TranscriptsError(f"--since ({period.since}) is after --until ({period.until}).")
    with reading(settings.database) as db:
        figures = compute(queries.scoped_messages(db, period, args.posting), period, args.posting)
    if args.json:
        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
    else:
        print_stats(Console(), figures)
    return 0


# -- export -----------------------------------------------------------------------------


def _export(args: argparse.Namespace, settings: Settings) -> int:
    if args.format == "html" and args.output is None:
        raise TranscriptsError("An HTML report needs a file: add --output report.html")
    filters = _filters(args)
    aliases = Pseudonymizer(salt(Database(settings.database))) if args.pseudonymize else None
    with reading(settings.database) as db:
        total = queries.count_conversations(db, filters)
        total = min(total, args.limit) if args.limit else total
        items: Iterable[Transcript] = queries.transcripts(db, filters, args.limit)
        if aliases is not None:
            items = map(aliases.apply, items)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        write = _writer(
            args.format,
            f"{total} conversations, {describe(filters)}. Exported {stamp} UTC"
            + (
                ", names replaced by pseudonyms (message texts may still hold personal details)."
                if args.pseudonymize
                else "."
            ),
        )
        if args.output is None:
            try:
                write(items, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (`| head`): not an error. Silence the final flush.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        # Write beside the target, then rename: a failed export leaves no half file.
        partial = args.output.with_name(args.output.name + ".part")
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"  # the BOM is for Excel
        try:
            with partial.open("w", encoding=encoding, newline="") as out:
                count = write(_tracked(items, total), out)
            partial.replace(args.output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise TranscriptsError(f"Cannot write {args.output}: {exc.strerror}") from None
    what = "pseudonymised conversations" if args.pseudonymize else "conversations"
    Console(stderr=True).print(
        f"Exported {count} {what} to {args.output}", highlight=False, markup=False
    )
    return 0


def _writer(fmt: str, subtitle: str) -> Callable[[Iterable[Transcript], TextIO], int]:
    if fmt == "csv":
        return write_csv
    if fmt == "jsonl":
        return write_jsonl
    return functools.partial(write_html, title="Candidate conversations", subtitle=subtitle)


def _tracked(items: Iterable[Transcript], total: int) -> Iterator[Transcript]:
    """`items`, with a progress bar on the terminal's stderr (none when redirected)."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("Exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("export", total=total)
        for item in items:
            yield item
            progress.advance(task)


# -- deleting ---------------------------------------------------------------------------


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    check(settings.database)  # a clear error if it is not there
    removed = asyncio.run(_purge_store(settings.database, settings.retention_days))
    cutoff = (datetime.now(UTC) - timedelta(days=settings.retention_days)).strftime(
        "%Y-%m-%d %H:%M"
    )
    print(
        f"Deleted {removed} conversation{'s' if removed != 1 else ''} with no activity "
        f"in the last {settings.retention_days} days (last active before {cutoff} UTC)."
    )
    return 0


async def _purge_store(path: Location, days: int) -> int:
    async with TranscriptStore(path) as store:
        _require_healthy(store)
        return await store.purge_older_than(days)


def _erase(args: argparse.Namespace, settings: Settings) -> int:
    key = args.candidate.strip()
    with reading(settings.database) as db:
        name, conversations, messages = queries.candidate_footprint(db, key)
    spill = TranscriptStore(settings.database).spill_path  # rows the bot could not store yet
    if name is None and not conversations and not messages and not spill.exists():
        raise TranscriptsError(
            f"Nothing is stored about a candidate with the key {key!r}.\n"
            "Keys look like 'telegram:12345'; `python -m bot transcripts show ID` prints a "
            "conversation's candidate key."
        )
    who = printable(f"{name} ({key})" if name else key)
    if not args.yes:
        question = (
            f"Erase everything stored about {who}: {conversations} conversation(s), "
            f"{messages} message(s)? This cannot be undone. Type 'yes' to confirm: "
        )
        try:
            answer = input(question)
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer.strip().casefold() not in {"y", "yes"}:
            print("Nothing was erased.")
            return 1
    removed = asyncio.run(_erase_store(settings.database, key))
    print(f"Erased {who}: {removed} row{'s' if removed != 1 else ''} deleted.")
    return 0


async def _erase_store(path: Location, candidate: str) -> int:
    async with TranscriptStore(path) as store:
        _require_healthy(store)
        return await store.erase_candidate(candidate)


def _require_healthy(store: TranscriptStore) -> None:
    if not store.healthy:
        raise TranscriptsError(
            f"{store.name} cannot be written to right now (is the disk full or the file "
            "read-only?). Nothing was deleted; try again."
        )

"""Arguments and error handling shared by the `kb` commands that read the transcripts."""

from __future__ import annotations

import argparse
import functools
import sqlite3
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from bot.database_location import parse_location, redacted
from bot.settings import Settings
from bot.store.connections import TranscriptsError
from bot.store.periods import Period, parse_day
from bot.transcripts.cli import day_argument

Handler = Callable[[argparse.Namespace, Settings], int]
DEFAULT_SINCE = "30d"


def transcript_arguments(parser: argparse.ArgumentParser, settings: Settings) -> None:
    """--database, --since, --knowledge and --posting, with the settings as defaults."""
    parser.add_argument(
        "--database",
        type=parse_location,
        metavar="PATH",
        help=f"transcript database (default: {redacted(settings.database)}, from BOT_DATABASE)",
    )
    parser.add_argument(
        "--since",
        type=day_argument,
        default=DEFAULT_SINCE,
        metavar="DATE",
        help=f"YYYY-MM-DD, today, or 7d (default: {DEFAULT_SINCE})",
    )
    parser.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help=f"knowledge folder (default: {settings.knowledge}, from BOT_KNOWLEDGE)",
    )
    parser.add_argument(
        "--posting", metavar="SLUG", help="only this posting's conversations (default: all)"
    )


def period_since(since: date | str) -> Period:
    """The open period from `since` (argparse leaves a string default unconverted)."""
    return Period(parse_day(since) if isinstance(since, str) else since)


def friendly(handler: Handler) -> Handler:
    """Turn the errors an admin can act on into a plain message and exit status 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except (TranscriptsError, CommandError) as exc:
            print(f"Error: {exc}", file=sys.stderr)
        except (DBAPIError, sqlite3.Error) as exc:
            print(
                f"Error: problem with the transcript database {redacted(settings.database)}: {exc}",
                file=sys.stderr,
            )
        return 1

    return run


class CommandError(Exception):
    """A problem the admin can fix; the message says how."""

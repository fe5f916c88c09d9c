"""`python -m bot db upgrade | backup DEST | restore SRC`: the transcript database for operators."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from bot.database_location import parse_location, redacted, sqlite_file
from bot.settings import Settings
from bot.store.backup import BackupError, backup, restore

# PostgreSQL has its operator's backups (CloudNativePG, a managed instance's).
BACKUPS = (
    "db backup and restore copy a SQLite file. For PostgreSQL use its own backups "
    "(pg_dump, CloudNativePG's, a managed instance's); "
)


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    db = subparsers.add_parser("db", help="Back up or restore the transcript database.")

    def show_help(args: argparse.Namespace, settings: Settings) -> int:
        db.print_help()
        return 2

    db.set_defaults(func=show_help)
    sub = db.add_subparsers(title="db commands")
    about = "Create the database or bring its schema to this bot's revision, in place."
    up = sub.add_parser("upgrade", help=about, description=about)
    up.add_argument(
        "--database",
        type=parse_location,
        help=f"default: {redacted(settings.database)}, from BOT_DATABASE",
    )
    up.set_defaults(func=_upgrade)
    for name, help_text, handler in (
        ("backup", "Online, consistent copy to DEST (safe while the bot runs).", _backup),
        ("restore", "Replace the database with the backup SRC (stop the bot first).", _restore),
    ):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("path", type=Path, metavar="DEST" if name == "backup" else "SRC")
        p.add_argument(
            "--database",
            type=parse_location,
            help=f"default: {redacted(settings.database)}, from BOT_DATABASE",
        )
        p.set_defaults(func=handler)


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.migrations.upgrade import SchemaTooNew, upgrade_now  # Alembic: when used

    try:
        done = upgrade_now(settings.database)
    except (SchemaTooNew, DBAPIError, sqlite3.Error, OSError) as exc:
        print(f"Upgrade failed: {exc}", file=sys.stderr)
        return 1
    where = redacted(settings.database)
    if done.before == done.after:
        print(f"{where} is at revision {done.after}: nothing to do.")
    else:
        print(f"Upgraded {where}: revision {done.before or 'none'} -> {done.after}.")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        count = backup(sqlite_file(settings.database, BACKUPS), args.path)
    except BackupError as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backed up {redacted(settings.database)} to {args.path}: integrity ok, {count} messages."
    )
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        count = restore(args.path, sqlite_file(settings.database, BACKUPS))
    except BackupError as exc:
        print(f"Restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {args.path} into {redacted(settings.database)}: {count} messages.")
    return 0

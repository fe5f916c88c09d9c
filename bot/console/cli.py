"""Command line: `python -m bot console` and `python -m bot users ...`."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.database_location import redacted
from bot.settings import Settings
from bot.store import audit, users
from bot.store.connections import Database
from bot.store.passwords import WeakPassword


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    console = sub.add_parser(
        "console",
        help="Serve the recruiter console (web page) over the transcript database.",
        description="Serve the recruiter console. Add accounts first: python -m bot users add.",
    )
    console.add_argument("--host", help=f"default: {settings.console_host}, from BOT_CONSOLE_HOST")
    console.add_argument(
        "--port", type=int, help=f"default: {settings.console_port}, from BOT_CONSOLE_PORT"
    )
    console.set_defaults(func=_console)

    manage = sub.add_parser(
        "users", help="Manage recruiter console accounts.", description="Console accounts."
    )

    def show_help(args: argparse.Namespace, settings: Settings) -> int:
        manage.print_help()
        return 2

    manage.set_defaults(func=show_help)
    verbs = manage.add_subparsers(title="commands")
    add = verbs.add_parser("add", help="Add an account (asks for its password).")
    add.add_argument("name")
    add.add_argument("--role", choices=users.ROLES, required=True)
    _password_option(add)
    add.set_defaults(func=_add)
    verbs.add_parser("list", help="List the accounts.").set_defaults(func=_list)
    for verb, disabled in (("disable", True), ("enable", False)):
        p = verbs.add_parser(verb, help=f"{verb.capitalize()} an account.")
        p.add_argument("name")
        p.set_defaults(func=_set_disabled, disabled=disabled)
    reset = verbs.add_parser("reset-password", help="Set a new password; ends its sessions.")
    reset.add_argument("name")
    _password_option(reset)
    reset.set_defaults(func=_reset)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of asking",
    )


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.server import serve

    print(
        f"Recruiter console on http://{settings.console_host}:{settings.console_port} "
        f"(database {redacted(settings.database)}).",
        file=sys.stderr,
    )
    return serve(settings)


def _database(settings: Settings) -> Database:
    database = Database(settings.database)
    database.prepare()
    return database


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        raise WeakPassword("The two passwords differ.")
    return first


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _add(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.writer() as db:
            users.check_new(db, args.name, args.role)  # before asking for the password
            user = users.add_user(db, args.name, args.role, _password(args))
            audit.record(db, _actor(), "user_add", detail=f"{user.name} ({user.role})")
    except (users.UserError, WeakPassword) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Added {user.name} ({user.role}).")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings).reader() as db:
        accounts = users.list_users(db)
    if not accounts:
        print("No accounts yet. Add one: python -m bot users add NAME --role admin")
        return 0
    for user in accounts:
        state = "disabled" if user.disabled else "active"
        print(f"{user.name:<24} {user.role:<10} {state:<9} created {user.created_at}")
    return 0


def _set_disabled(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with _database(settings).writer() as db:
            user = users.set_disabled(db, args.name, args.disabled)
            action = "user_disable" if args.disabled else "user_enable"
            audit.record(db, _actor(), action, detail=user.name)
    except users.UserError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{user.name} is now {'disabled' if user.disabled else 'enabled'}.")
    return 0


def _reset(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    try:
        with database.writer() as db:
            users.existing(db, args.name)  # before asking for the password
            user = users.reset_password(db, args.name, _password(args))
            audit.record(db, _actor(), "user_reset_password", detail=user.name)
    except (users.UserError, WeakPassword) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"New password set for {user.name}; their sessions have ended.")
    return 0

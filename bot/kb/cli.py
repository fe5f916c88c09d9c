"""`python -m bot kb check|draft|suggest|notify`: the admins' tools for the knowledge YAML."""

from __future__ import annotations

import argparse

from bot.kb import check, draft, notify, suggest
from bot.settings import Settings


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    kb = subparsers.add_parser(
        "kb", help="Check, draft and improve the knowledge base.", description=__doc__
    )

    def show_help(args: argparse.Namespace, settings: Settings) -> int:
        kb.print_help()
        return 2

    kb.set_defaults(func=show_help)
    sub = kb.add_subparsers(title="kb commands")
    for module in (check, draft, suggest, notify):
        module.add_command(sub, settings)

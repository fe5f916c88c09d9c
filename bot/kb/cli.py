"""`python -m bot kb check|draft|suggest|notify`: the admins' tools for the knowledge YAML."""

from __future__ import annotations

import argparse
from types import ModuleType

from bot.kb import check, draft, suggest
from bot.settings import Settings


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    settings: Settings,
    *senders: ModuleType,
) -> None:
    """`kb` and its commands; `senders` add theirs (`kb notify` is the Telegram
    channel's, so that admin tooling never imports a channel)."""
    kb = subparsers.add_parser(
        "kb", help="Check, draft and improve the knowledge base.", description=__doc__
    )

    def show_help(args: argparse.Namespace, settings: Settings) -> int:
        kb.print_help()
        return 2

    kb.set_defaults(func=show_help)
    sub = kb.add_subparsers(title="kb commands")
    for module in (check, draft, suggest, *senders):
        module.add_command(sub, settings)

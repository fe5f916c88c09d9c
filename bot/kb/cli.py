"""`python -m bot kb check|draft|suggest|notify`: the admins' tools for the knowledge YAML."""

from __future__ import annotations

import argparse

from bot.kb import check, draft, notify, suggest
from bot.settings import Settings


def add_commands(subparsers: argparse._SubParsersAction, settings: Settings) -> None:
    kb = subparsers.add_parser(
        "kb", help="Check, draft and improve the knowledge base.", description=__doc__
    )
    kb.set_defaults(func=lambda args, settings: kb.print_help() or 2)
    sub = kb.add_subparsers(title="kb commands")
    for module in (check, draft, suggest, notify):
        module.add_command(sub, settings)

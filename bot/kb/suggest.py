"""`python -m bot kb suggest` (placeholder until it is written)."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def add_command(sub: argparse._SubParsersAction, settings: Settings) -> None:
    p = sub.add_parser("suggest", help="(not written yet)")
    p.set_defaults(func=lambda args, settings: 2)

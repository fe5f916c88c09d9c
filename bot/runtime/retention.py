"""Retention as its own job: conversations idle for longer than the retention period
are deleted at start-up and every few hours after, never as a side effect of opening
the store (a CLI command that opens it to read or erase deletes nothing else)."""

from __future__ import annotations

import asyncio
import logging

from bot.store import TranscriptStore
from bot.store.store import REFUSALS

log = logging.getLogger(__name__)

EVERY_S = 6 * 3600.0
RETRY_S = 300.0  # after the database refused the purge


async def run(store: TranscriptStore, days: int, every_s: float = EVERY_S) -> None:
    """Purge now, then every `every_s`; a refusal (locked, read-only, not open yet) is
    logged and tried again sooner. Runs until cancelled."""
    while True:
        try:
            removed = await store.purge_older_than(days)
        except (*REFUSALS, RuntimeError) as exc:  # RuntimeError: not open yet
            log.warning("retention purge failed, retrying in %.0f s: %s", RETRY_S, exc)
            await asyncio.sleep(min(RETRY_S, every_s))
            continue
        log.info("retention purge done removed=%d days=%d", removed, days)
        await asyncio.sleep(every_s)

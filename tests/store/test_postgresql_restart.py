"""PostgreSQL restarts in the middle of a burst (an upgrade, a failover): the writer keeps
the rows while the server is away, reconnects, and stores every one exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.conftest import restart_postgresql
from tests.store.conftest import count, query, wait_until

BURST = 300
FIRST = BURST // 3


async def test_a_restart_mid_burst_loses_and_doubles_no_row(
    postgresql: Any, postgresql_database: str, tmp_path: Path
) -> None:
    writes: list[bool] = []  # each batch the writer tried: stored or refused
    store = TranscriptStore(
        postgresql_database,
        spill_dir=tmp_path,
        batch_window_s=0.01,
        observe=lambda seconds, ok: writes.append(ok),
    )
    await store.open()
    log = ConversationLog(store, "test", "burst", "posting")
    restarted = False
    try:
        for i in range(1, BURST + 1):
            log.incoming(f"question {i}")
            if i == FIRST:  # let those land first
                await wait_until(lambda: count(postgresql_database, "messages") >= FIRST)
                restart = asyncio.create_task(asyncio.to_thread(restart_postgresql, postgresql))
            await asyncio.sleep(0.005)
        await restart
        restarted = True
        await wait_until(lambda: store.pending == 0 and store.healthy, timeout_s=60)
    finally:
        await store.close()
    assert restarted and False in writes  # the server really was away mid-burst
    seqs = [s for (s,) in query(postgresql_database, "SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, BURST + 1))
    assert store.spilled == 0 and store.rejected == 0

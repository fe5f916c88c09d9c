"""A bot stand-in for the crash tests: logs messages through a real TranscriptStore.

python -m tests.store.child kill DB   log forever; print `written N` as rows are stored
python -m tests.store.child term DB   log a burst, print `recorded N`, then wait for
                                      SIGTERM or SIGINT, close the store and exit 0
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog

BURST = 5000


async def log_until_killed(path: Path) -> None:
    async with TranscriptStore(path) as store:
        log = ConversationLog(store, "test", "killed", "posting")
        reported, i = -1, 0
        while True:
            for _ in range(50):
                i += 1
                log.incoming(f"question {i} " + "x" * 200)
            if store.written != reported:
                reported = store.written
                print(f"written {reported}", flush=True)
            await asyncio.sleep(0.001)  # a steady stream, not one giant burst


async def log_then_wait_for_signal(path: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Nothing is written on its own: only close() can store these rows.
    async with TranscriptStore(path, batch_size=1_000_000, batch_window_s=3600) as store:
        log = ConversationLog(store, "test", "terminated", "posting")
        for i in range(1, BURST + 1):
            log.incoming(f"question {i}")
        print(f"recorded {store.pending} written {store.written}", flush=True)
        await stop.wait()


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    asyncio.run((log_until_killed if mode == "kill" else log_then_wait_for_signal)(path))


if __name__ == "__main__":
    main()

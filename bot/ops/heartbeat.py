"""A heartbeat task on the event loop, read from another thread to judge liveness."""

from __future__ import annotations

import asyncio
import time

from bot.ops.metrics import LOOP_LAG

BEAT_S = 1.0


class Heartbeat:
    """Beats every second on the loop; `age()` grows when the loop is stuck."""

    def __init__(self, interval_s: float = BEAT_S) -> None:
        self.interval_s = interval_s
        self._last = time.monotonic()

    async def run(self) -> None:
        while True:
            expected = time.monotonic() + self.interval_s
            await asyncio.sleep(self.interval_s)
            now = time.monotonic()
            LOOP_LAG.set(max(0.0, now - expected))
            self._last = now

    def age(self) -> float:
        """Seconds since the last beat; safe to call from any thread."""
        return time.monotonic() - self._last

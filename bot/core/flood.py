"""A per-candidate flood guard: at most N messages in a sliding window of S seconds."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import StrEnum

# Candidates tracked at once; the least recently active are forgotten first.
MAX_TRACKED = 50_000


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the rate: ask once to slow down
    DROP = "drop"  # still over the rate, already warned


@dataclass(slots=True)
class _Window:
    times: deque[float] = field(default_factory=deque)
    warned: bool = False


class FloodGuard:
    """Decides whether a candidate's message is answered; pure bookkeeping, no I/O."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_tracked = max_tracked
        self._windows: OrderedDict[Hashable, _Window] = OrderedDict()

    def check(self, key: Hashable) -> Verdict:
        """Count one message from `key` and say what to do with it."""
        now = self._clock()
        window = self._windows.pop(key, None) or _Window()
        self._windows[key] = window  # most recent last
        if len(self._windows) > self._max_tracked:
            self._windows.popitem(last=False)
        times = window.times
        while times and times[0] <= now - self.window_s:
            times.popleft()
        times.append(now)
        if len(times) <= self.limit:
            window.warned = False
            return Verdict.ALLOW
        if window.warned:
            return Verdict.DROP
        window.warned = True
        return Verdict.WARN

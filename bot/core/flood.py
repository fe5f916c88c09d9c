"""The flood rule: at most N messages from a candidate in a sliding window of S seconds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the rate: ask once to slow down
    DROP = "drop"  # still over the rate, already warned


@dataclass(frozen=True, slots=True)
class FloodWindow:
    """The times of a candidate's recent messages, and whether they were warned."""

    times: tuple[float, ...] = ()
    warned: bool = False


def admit(
    window: FloodWindow, now: float, limit: int, window_s: float
) -> tuple[FloodWindow, Verdict]:
    """Count one message sent at `now` (monotonic seconds) and say what to do with it."""
    times = (*(t for t in window.times if t > now - window_s), now)[-(limit + 1) :]
    if len(times) <= limit:
        return FloodWindow(times), Verdict.ALLOW
    if window.warned:
        return FloodWindow(times, True), Verdict.DROP
    return FloodWindow(times, True), Verdict.WARN

"""What the console benchmarks (bench_console.py, bench_inbox.py, bench_trends.py) share:
their command line and the timing of repeated runs.

    [--database PATH] [--messages N] [--runs R]

Each times a copy of PATH, or a database of N messages built by console_data.py
(console_data.scratch does either), R times per case.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def arguments(doc: str, *, runs: int, backends: bool = False) -> argparse.Namespace:
    """A console benchmark's command line (`doc`: its docstring): database, messages, runs,
    and (`backends`) which databases to time."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--database", type=Path, help="time a copy of this database instead of building one"
    )
    parser.add_argument(
        "--messages", type=int, default=100_000, help="size of the database built (%(default)s)"
    )
    parser.add_argument("--runs", type=int, default=runs, help="runs per case (%(default)s)")
    if backends:
        parser.add_argument(
            "--backends", default="sqlite,postgresql", help="databases to time (%(default)s)"
        )
    args = parser.parse_args()
    if args.database and not args.database.is_file():
        parser.error(f"no database at {args.database}")
    return args


@dataclass(frozen=True, slots=True)
class Timed(Generic[T]):
    """The times of R runs in milliseconds, sorted, and what the last run returned."""

    times: list[float]
    result: T

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def percentile(self, q: float) -> float:
        """The nearest-rank percentile, `q` between 0 and 1."""
        return self.times[min(len(self.times) - 1, round(q * (len(self.times) - 1)))]

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


def timed(run: Callable[[], T], runs: int, *, warmup: int = 1) -> Timed[T]:
    """`run()` `warmup` times untimed (to warm the caches), then `runs` times timed."""
    for _ in range(warmup):
        run()
    times = []
    result: T
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return Timed(sorted(times), result)

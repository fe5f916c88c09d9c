"""Timings of the console inbox's queries (bot/console/inbox.py), without HTTP.

    python benchmarks/bench_inbox.py [--database PATH] [--messages N] [--runs R]

Builds a database with benchmarks/console_data.py (100,000 messages by default) unless
one is given, then runs each query R times, each time on a new read-only connection as
the console's requests do, and prints the median and the 95th percentile. Machines
here are shared: run it twice and read the better figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.console_data import build  # noqa: E402
from bot.console.inbox import (  # noqa: E402
    InboxFilters,
    inbox,
    language_choices,
    matching_ids,
    posting_choices,
)
from bot.transcripts import queries  # noqa: E402
from bot.transcripts.periods import today  # noqa: E402

CASES: dict[str, InboxFilters] = {
    "inbox": InboxFilters(),
    "inbox, page 20": InboxFilters(page=20),
    "inbox, last page": InboxFilters(page=200),
    "posting": InboxFilters(posting="sol-data-es"),
    "lang": InboxFilters(lang="fr"),
    "outcome clarify": InboxFilters(outcome="clarify"),
    "badge unanswered": InboxFilters(badge="unanswered"),
    "badge handed_off": InboxFilters(badge="handed_off"),
    "badge unhelpful": InboxFilters(badge="unhelpful"),
    "badge unreviewed": InboxFilters(badge="unreviewed"),
    "last 7 days": InboxFilters(since=today() - timedelta(days=6)),
    "one day, 30 days ago": InboxFilters(
        since=today() - timedelta(days=30), until=today() - timedelta(days=30)
    ),
    "posting+lang+unhelpful": InboxFilters(
        posting="backmarket-backend-engineer", lang="es", badge="unhelpful"
    ),
    "search 'salary'": InboxFilters(search="salary"),
    "search 'visa'": InboxFilters(search="visa"),
    "search 'télétravail'": InboxFilters(search="télétravail"),
    "search 'the' (common)": InboxFilters(search="the"),
    "search 'de' (most common)": InboxFilters(search="de"),
    "search 're' (2-letter prefix)": InboxFilters(search="re"),
    "search 'how many people'": InboxFilters(search="how many people"),
    "search 'zzzz' (none)": InboxFilters(search="zzzz"),
    "search 'de' + fr + fallback": InboxFilters(search="de", lang="fr", outcome="fallback"),
}


def on(path: Path, query: Callable[..., Any], *args: object) -> Any:
    """`query(db, *args)` on a new read-only connection, as a console request makes."""
    with closing(queries.connect(path)) as db:
        return query(db, *args)


def timed(run: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    result = run()  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * runs) - 1)], result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", type=Path)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.database
        if path is None:
            path = Path(folder) / "console.sqlite3"
            built = build(path, args.messages)
            print(f"built {built.messages:,} messages in {built.seconds:.1f} s")
        print(f"{'query':34} {'median':>8} {'p95':>8}  rows/total")
        for name, filters in CASES.items():
            median, p95, page = timed(lambda f=filters: on(path, inbox, f), args.runs)
            print(f"{name:34} {median:6.1f}ms {p95:6.1f}ms  {len(page.rows)}/{page.total}")
        for name, run in {
            "posting_choices": lambda: on(path, posting_choices),
            "language_choices": lambda: on(path, language_choices),
            "matching_ids (export, all)": lambda: on(path, matching_ids, InboxFilters()),
            "matching_ids 'visa'": lambda: on(path, matching_ids, InboxFilters(search="visa")),
        }.items():
            median, p95, result = timed(run, args.runs)
            print(f"{name:34} {median:6.1f}ms {p95:6.1f}ms  {len(result)}")


if __name__ == "__main__":
    main()

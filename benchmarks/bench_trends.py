"""Timings of the console's Trends page: its figures (bot/console/trends.py), its charts
(charts.py) and the whole page over HTTP.

    python benchmarks/bench_trends.py [--database PATH] [--messages N] [--runs R]

Builds a database with benchmarks/console_data.py (100,000 messages over 90 days by
default) unless one is given; a given one is copied first, since the page needs an
account in it. The figures are computed over a fresh read-only connection per run, as
every console request does. The page is asked for through FastAPI's TestClient (the
real application, in process, signed in), so the times include the session check,
the queries, the charts and the template, but no network. Each line is the median and
the 95th percentile of R runs. Machines here are shared: run it twice and read the
better figures.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from benchmarks.console_data import build  # noqa: E402
from bot.console import charts, users  # noqa: E402
from bot.console.app import create_app  # noqa: E402
from bot.console.database import ConsoleDatabase  # noqa: E402
from bot.console.trends import Trends, postings, trends  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.transcripts import queries  # noqa: E402
from bot.transcripts.periods import Period, last_days  # noqa: E402

POSTING = "sol-data-es"  # the smallest of console_data's postings
PASSWORD = "benchmark password, long enough"


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    run()  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * runs) - 1)]


def draw(t: Trends) -> int:
    """The page's charts, as bot/console/pages/trends.py draws them; their size."""
    days = [d.day for d in t.days]
    figures = [d.figures for d in t.days]
    drawn = [
        charts.daily_bars(days, [f.messages for f in figures], title="Messages", unit="messages"),
        charts.daily_rates(
            days,
            [
                charts.Series("answer", [f.answer_rate for f in figures], charts.GOOD, "answer"),
                charts.Series("clarify", [f.clarify_rate for f in figures], charts.WARN, "c"),
                charts.Series("fallback", [f.fallback_rate for f in figures], charts.BAD, "f"),
            ],
            title="Rates",
            notes=[f"{f.replies} replies" for f in figures],
        ),
        charts.horizontal_bars(
            [(c.label, c.count) for c in t.topics], title="Topics", unit="answers"
        ),
        charts.horizontal_bars(
            [(c.label, c.count) for c in t.languages], title="Languages", unit="questions"
        ),
        charts.ratio_bar(
            t.feedback.helpful, t.feedback.votes, title="Feedback", part_name="y", rest_name="n"
        ),
    ]
    return sum(map(len, drawn))


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

        def figures(period: Period, posting: str | None) -> Trends:
            with closing(queries.connect(path)) as db:
                return trends(db, period, posting)

        print(f"{'case':42} {'median':>8} {'p95':>8}  messages")
        for days in (7, 30, 90):
            for posting in (None, POSTING):
                period = last_days(days)
                name = f"{days} days" + (f", {posting}" if posting else "")
                median, p95 = timed(lambda p=period, s=posting: figures(p, s), args.runs)
                found = figures(period, posting).total.messages
                print(f"{name:42} {median:6.1f}ms {p95:6.1f}ms  {found:,}")
        for days in (30, 90):
            t = figures(last_days(days), None)
            median, p95 = timed(lambda t=t: draw(t), args.runs)
            print(f"{f'charts, {days} days':42} {median:6.1f}ms {p95:6.1f}ms  {draw(t):,} bytes")
        with closing(queries.connect(path)) as db:
            median, p95 = timed(lambda: postings(db), args.runs)
        print(f"{'postings':42} {median:6.1f}ms {p95:6.1f}ms")
        pages(path, args.runs)


def pages(path: Path, runs: int) -> None:
    """GET /trends as a signed-in recruiter."""
    with ConsoleDatabase(path).writer() as db:
        users.add_user(db, "bench", "recruiter", PASSWORD)
    with TestClient(create_app(Settings(database=path)), follow_redirects=False) as client:
        form = client.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed_in = client.post(
            "/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf, "next": "/"}
        )
        assert signed_in.status_code == 303, signed_in.text
        for query in ("", "?days=7", "?days=90", f"?days=90&posting={POSTING}"):
            url = f"/trends{query}"

            def get(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, response.text

            median, p95 = timed(get, runs)
            size = len(client.get(url).content)
            print(f"{'GET ' + url:42} {median:6.1f}ms {p95:6.1f}ms  {size:,} bytes")


if __name__ == "__main__":
    main()

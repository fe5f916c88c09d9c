"""Timings of the console's Trends figures and charts (bot/console/trends.py, charts.py).

    python benchmarks/bench_trends.py [--database PATH] [--messages N] [--runs R]

Builds a database with benchmarks/console_data.py (100,000 messages over 90 days by
default) unless one is given. Each run opens a fresh read-only connection, as every
console request does, computes the figures and draws the page's charts; it prints the
median and the 95th percentile of R runs. Machines here are shared: run it twice and
read the better figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.console_data import build  # noqa: E402
from bot.console import charts  # noqa: E402
from bot.console.trends import Trends, postings, trends  # noqa: E402
from bot.transcripts import queries  # noqa: E402
from bot.transcripts.periods import Period, last_days  # noqa: E402

POSTING = "sol-data-es"  # the smallest of console_data's postings


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
        path = args.database
        if path is None:
            path = Path(folder) / "console.sqlite3"
            built = build(path, args.messages)
            print(f"built {built.messages:,} messages in {built.seconds:.1f} s")

        def figures(period: Period, posting: str | None) -> Trends:
            with closing(queries.connect(path)) as db:
                return trends(db, period, posting)

        print(f"{'case':34} {'median':>8} {'p95':>8}  messages")
        for days in (7, 30, 90):
            for posting in (None, POSTING):
                period = last_days(days)
                name = f"{days} days" + (f", {posting}" if posting else "")
                median, p95 = timed(lambda p=period, s=posting: figures(p, s), args.runs)
                found = figures(period, posting).total.messages
                print(f"{name:34} {median:6.1f}ms {p95:6.1f}ms  {found:,}")
        for days in (30, 90):
            t = figures(last_days(days), None)
            median, p95 = timed(lambda t=t: draw(t), args.runs)
            print(f"{f'charts, {days} days':34} {median:6.1f}ms {p95:6.1f}ms  {draw(t):,} bytes")
        with closing(queries.connect(path)) as db:
            median, p95 = timed(lambda: postings(db), args.runs)
        print(f"{'postings':34} {median:6.1f}ms {p95:6.1f}ms")


if __name__ == "__main__":
    main()

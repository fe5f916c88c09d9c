"""Timings of the console's Trends page without HTTP: its figures (bot/console/trends.py)
and its charts (charts.py).

    python benchmarks/bench_trends.py [--database PATH] [--messages N] [--runs R]

Times a copy of PATH, or builds a database with benchmarks/console_data.py (100,000
messages over 90 days by default). The figures are computed over a fresh read-only
connection per run, as every console request does. Each line is the median and the
95th percentile of R runs. The page itself (session, queries, charts and template, over
real HTTP) is timed by bench_console.py. Machines here are shared: run it twice and read
the better figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.console_data import scratch  # noqa: E402
from benchmarks.timing import arguments, timed  # noqa: E402
from bot.console import charts  # noqa: E402
from bot.store import queries  # noqa: E402
from bot.store.connections import reading  # noqa: E402
from bot.store.periods import Period, last_days  # noqa: E402
from bot.store.trends import Trends, trends  # noqa: E402

POSTING = "sol-data-es"  # the smallest of console_data's postings


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
    args = arguments(__doc__, runs=30)
    with scratch(args.database, args.messages) as path:

        def figures(period: Period, posting: str | None) -> Trends:
            with reading(path) as db:
                return trends(db, period, posting)

        print(f"{'case':42} {'median':>8} {'p95':>8}  messages")
        for days in (7, 30, 90):
            period = last_days(days)
            for posting in (None, POSTING):
                name = f"{days} days" + (f", {posting}" if posting else "")
                t = timed(lambda p=period, s=posting: figures(p, s), args.runs)
                print(f"{name:42} {t.median:6.1f}ms {t.p95:6.1f}ms  {t.result.total.messages:,}")
        for days in (30, 90):
            found = figures(last_days(days), None)
            drawn = timed(lambda f=found: draw(f), args.runs)
            name = f"charts, {days} days"
            print(f"{name:42} {drawn.median:6.1f}ms {drawn.p95:6.1f}ms  {drawn.result:,} bytes")
        with reading(path) as db:
            t = timed(lambda: queries.postings(db), args.runs)
        print(f"{'postings':42} {t.median:6.1f}ms {t.p95:6.1f}ms")


if __name__ == "__main__":
    main()

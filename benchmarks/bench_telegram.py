"""End-to-end speed of the Telegram channel, through the fake Bot API over HTTP.

    python benchmarks/bench_telegram.py [--latency N] [--candidates N] [--questions N]

The bot runs as it does in production (`python -m bot run`, its own process,
polling), with Telegram's 30 messages/s cap switched off (BOT_TELEGRAM_MAX_RATE=0)
so that the bot itself is measured. The fake Bot API runs in this process.

- Latency: N candidates ask one question each, one after another. Each figure is
  the time from the update becoming available to getUpdates until the bot's
  sendMessage arrives at the fake.
- Throughput: many candidates each send several questions all at once; messages
  per second from the first update to the last answer.

Machines here are shared and have 2 cores, one for the bot and one for the fake:
run it twice and read the better figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.bot_api import FakeBotApi, FakeUser  # noqa: E402

TELEGRAM_CAP_PER_S = 30
QUESTIONS = (
    "is the job remote?",
    "what is the tech stack?",
    "how does the interview process work?",
    "where are the offices?",
    "how do I apply?",
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def start_bot(fake: FakeBotApi, folder: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "BOT_DATABASE": str(folder / "bench.sqlite3"),
        "BOT_HTTP_PORT": "0",
        "BOT_TELEGRAM_MAX_RATE": "0",
        "BOT_FLOOD_MESSAGES": "1000",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
    return process


def send(fake: FakeBotApi, user: FakeUser, text: str) -> int:
    user.send(text)
    return next(reversed(fake.update_available_at))


async def measure_latency(fake: FakeBotApi, count: int) -> list[float]:
    latencies = []
    for i in range(count):
        user = fake.user()
        update = send(fake, user, QUESTIONS[i % len(QUESTIONS)])
        [reply] = await fake.wait_for_messages(user.id, 1, timeout=30)
        latencies.append(1000 * (reply.at - fake.update_available_at[update]))
    return latencies


async def measure_throughput(fake: FakeBotApi, candidates: int, questions: int) -> float:
    users = [fake.user() for _ in range(candidates)]
    start = time.perf_counter()
    for i in range(questions):
        for user in users:
            user.send(QUESTIONS[i % len(QUESTIONS)])
    last = 0.0
    for user in users:
        replies = await fake.wait_for_messages(user.id, questions, timeout=300)
        last = max(last, max(r.at for r in replies))
    return candidates * questions / (last - start)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=300, help="questions, one at a time")
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--questions", type=int, default=5, help="per candidate, at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotApi() as fake:
            bot = await start_bot(fake, Path(folder))
            try:
                await measure_latency(fake, 20)  # warm-up: connections, caches
                latencies = await measure_latency(fake, args.latency)
                rate = await measure_throughput(fake, args.candidates, args.questions)
            finally:
                bot.send_signal(signal.SIGTERM)
                await bot.wait()
    print(f"end-to-end latency over {len(latencies)} questions, one at a time:")
    print(
        f"  median {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms,"
        f" max {max(latencies):.1f} ms  (target: p99 < 50 ms)"
    )
    print(
        f"sustained throughput, {args.candidates} candidates x {args.questions} questions at once:"
    )
    print(
        f"  {rate:.0f} messages/s = {rate / TELEGRAM_CAP_PER_S:.1f}x Telegram's cap of "
        f"{TELEGRAM_CAP_PER_S}/s  (target: >= 10x)"
    )


if __name__ == "__main__":
    asyncio.run(main())

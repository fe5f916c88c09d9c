"""The fault suite: the bot through the fake Bot API while something breaks, on SQLite and
on PostgreSQL. Each test counts the candidates' messages against the replies sent and the
rows stored.

- SIGKILL in the middle of a 300-message burst, then a restart: nothing is answered
  twice, and what is lost is at most the documented window: the updates the killed
  process had fetched (Telegram counts them delivered) and not yet answered. Polling
  fetches ahead, so under a burst that can be most of it (README, Transcripts).
- sendMessage answering 429 (retry_after=2) for 10 s, then 502 for 10 s: every message
  is answered exactly once, and every row lands.
- The database held under an exclusive lock for 15 s: replies still go out, the rows
  land once it is free.
- The database refusing every write (a full disk or a read-only directory): the process
  keeps answering, /readyz says the store is not writing, and the rows land once it
  takes writes again.

Running as root in a container, a test cannot make a directory read-only or a disk
full for real: the last test injects the driver's own "disk full" refusal at the
driver boundary, on the bot's real engine (tests/store/conftest.py's Faults).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from bot.database_location import Location
from tests.channels.telegram.conftest import StartBot, spawn_bot, until
from tests.conftest import query, write_locked
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.store.conftest import Faults

TOPICS = ("is the job remote?", "what is the tech stack?", "how do I apply?")
# What SIGKILL may cost the store: its batch window, the transaction in progress and the
# rows waiting for it. At 30 messages/s no answer sent was missing; with the send limit
# off it measured up to 0.45 s of answers on SQLite (the writer's thread waits for the
# GIL while the loop matches questions) and 0.01 s on PostgreSQL. 2 s leaves room for a
# loaded CI machine.
SETTLED_S = 2.0


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The bot's database: a SQLite file, or a new PostgreSQL database (the spill file
    then goes to tmp_path/data)."""
    if request.param == "sqlite":
        return tmp_path / "bot.sqlite3"
    monkeypatch.chdir(tmp_path)
    return str(request.getfixturevalue("postgresql_database"))


def counted(location: Location, direction: str) -> Counter[str]:
    """Stored messages per candidate in one direction."""
    found = query(
        location,
        "SELECT candidate, count(*) FROM messages WHERE direction = ? GROUP BY candidate",
        direction,
    )
    return Counter({candidate: int(n) for candidate, n in found})


def burst(fake: FakeBotApi, candidates: int) -> list[FakeUser]:
    """Each candidate asks the three TOPICS, in turn: 3 × `candidates` messages."""
    users = [fake.user() for _ in range(candidates)]
    for question in TOPICS:
        for user in users:
            user.send(question)
    return users


def answered_twice(fake: FakeBotApi, users: list[FakeUser]) -> list[int]:
    """Candidates who got the same answer more than once (each asked three different
    questions, so each answer is due once)."""
    return [
        user.id
        for user in users
        if any(n > 1 for n in Counter(m.plain_text for m in fake.messages_to(user.id)).values())
    ]


# -- SIGKILL mid-burst ----------------------------------------------------------------------


async def _spawn(fake: FakeBotApi, location: Location) -> asyncio.subprocess.Process:
    """`python -m bot run` on `location`, once it polls, sending at Telegram's own cap of
    30 messages/s as in production (300 answers take 10 s)."""
    polls = len(fake.calls_to("getUpdates"))
    process = await spawn_bot(fake, location, BOT_TELEGRAM_MAX_RATE="30")
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > polls, timeout=60)
    return process


async def test_sigkill_mid_burst_loses_at_most_what_was_taken_and_answers_nothing_twice(
    fake: FakeBotApi, location: Location
) -> None:
    first = await _spawn(fake, location)
    assert first.stderr is not None
    draining = asyncio.create_task(first.stderr.read())  # its logs never fill the pipe
    users = burst(fake, 100)  # 300 messages
    await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 150, timeout=60)
    first.kill()  # SIGKILL: no flush, no goodbye
    killed_at = time.perf_counter()
    await first.wait()
    await draining
    assert first.returncode == -signal.SIGKILL
    taken = set(fake.confirmed_update_ids)  # Telegram will not send these again
    replies_before = len(fake.calls_to("sendMessage"))
    assert 0 < replies_before < 300, "the kill was not mid-burst"
    assert fake.calls_to("sendMessage")[0].at < killed_at - SETTLED_S, "no settled answer"

    second = await _spawn(fake, location)
    await fake.wait_for(lambda: fake.pending_updates == 0, timeout=60)
    newcomers = [fake.user() for _ in range(10)]  # after the restart: all as usual
    for user in newcomers:
        user.send("where are the offices?")
    for user in newcomers:
        await fake.wait_for_messages(user.id, 1, timeout=30)
    replies = sum(len(fake.messages_to(u.id)) for u in users)
    await asyncio.sleep(1.0)  # quiet: anything still in flight would show now
    while (now := sum(len(fake.messages_to(u.id)) for u in users)) != replies:
        replies = now
        await asyncio.sleep(1.0)
    second.send_signal(signal.SIGTERM)  # a graceful stop flushes everything
    _, stderr = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, stderr.decode()[-3000:]

    assert answered_twice(fake, users) == []
    unanswered = 300 - replies
    # Lost: only updates the killed process had taken (confirmed) and not yet answered;
    # all the others were answered, by the first process or after the restart.
    assert unanswered <= len(taken) - replies_before, (unanswered, len(taken))
    assert replies >= 300 - len(taken) + replies_before
    asked, answers = counted(location, "in"), counted(location, "out")
    in_flight = 0
    for user in users:
        got = len(fake.messages_to(user.id))
        # A turn is logged, then sent: an answer the kill cut off on its way is stored
        # but never arrived. One chat's updates run one at a time: one per candidate.
        assert answers[f"telegram:{user.id}"] <= got + 1
        in_flight += max(0, answers[f"telegram:{user.id}"] - got)
        assert asked[f"telegram:{user.id}"] <= 3
    # The killed process's answers sent well before the kill are stored.
    settled = Counter(
        int(call.params["chat_id"])
        for call in fake.calls_to("sendMessage")
        if call.status == 200 and call.at < killed_at - SETTLED_S
    )
    sent_at: dict[int, list[float]] = {}
    for call in fake.calls_to("sendMessage"):
        if call.status == 200 and call.at < killed_at:
            sent_at.setdefault(int(call.params["chat_id"]), []).append(call.at)
    unstored = [
        killed_at - times[answers[f"telegram:{user.id}"]]
        for user in users
        for times in [sorted(sent_at.get(user.id, []))]
        if answers[f"telegram:{user.id}"] < len(times)
    ]
    for user in users:
        assert answers[f"telegram:{user.id}"] >= settled[user.id], user.id
    stored_answers = sum(answers.values())
    # Every exchange answered after the restart is stored.
    assert stored_answers - in_flight >= replies - replies_before
    for user in newcomers:
        key = f"telegram:{user.id}"
        assert (asked[key], answers[key], len(fake.messages_to(user.id))) == (1, 1, 1)
    print(
        f"\n{location!s:.10}: 300 sent, {len(taken)} taken by the killed process, "
        f"{replies_before} answered before the kill, {replies} answered in all, "
        f"{unanswered} lost, {stored_answers} answers stored ({in_flight} never arrived, "
        f"{sum(settled.values())} sent over {SETTLED_S} s before the kill; the oldest answer "
        f"not stored was sent {max(unstored, default=0):.3f} s before it)"
    )


# -- Telegram refusing ----------------------------------------------------------------------


async def test_429_then_502_for_ten_seconds_each_answers_every_message_once(
    fake: FakeBotApi, start_bot: StartBot, location: Location
) -> None:
    bot = await start_bot(BOT_DATABASE=location)
    fake.fail_on(status=429, method="sendMessage", retry_after=2)
    users = burst(fake, 10)  # 30 messages
    await asyncio.sleep(10)
    fake.fail_off()
    fake.fail_on(status=502, method="sendMessage")
    await asyncio.sleep(10)
    fake.fail_off()
    for user in users:
        await fake.wait_for_messages(user.id, 3, timeout=90)
    await asyncio.sleep(1.0)  # a duplicate, if any, would arrive now
    assert fake.injected >= 2  # both refusals really happened
    assert answered_twice(fake, users) == []
    assert sum(len(fake.messages_to(u.id)) for u in users) == 30
    assert await bot.store.flush(timeout_s=30)
    assert sum(counted(location, "in").values()) == 30
    assert sum(counted(location, "out").values()) == 30


# -- the database locked or refusing ---------------------------------------------------------


async def test_a_database_locked_for_15_s_delays_no_reply_and_loses_no_row(
    fake: FakeBotApi, start_bot: StartBot, location: Location
) -> None:
    bot = await start_bot(BOT_DATABASE=location)
    first = fake.user()
    first.send("is the job remote?")
    await first.next_reply()
    assert await bot.store.flush()
    # Taken in a thread: the lock may wait for a transaction of the bot's that needs this
    # event loop to end.
    holding = write_locked(location, "messages", "EXCLUSIVE")  # reads go on
    await asyncio.to_thread(holding.__enter__)
    try:
        users = burst(fake, 10)
        began = asyncio.get_running_loop().time()
        for user in users:
            await fake.wait_for_messages(user.id, 3, timeout=14)
        answered_in = asyncio.get_running_loop().time() - began
        assert answered_in < 14  # all answered while the database was still held
        await asyncio.sleep(max(0.0, 15 - answered_in))
        stored_during = sum(counted(location, "out").values())
    finally:
        await asyncio.to_thread(holding.__exit__, None, None, None)
    assert stored_during == 1  # nothing got past the lock: the first answer only
    assert answered_twice(fake, users) == []
    assert await bot.store.flush(timeout_s=30)
    assert sum(counted(location, "in").values()) == 31
    assert sum(counted(location, "out").values()) == 31


async def test_a_database_refusing_writes_keeps_the_bot_answering_and_loses_no_row(
    fake: FakeBotApi, start_bot: StartBot, location: Location
) -> None:
    bot = await start_bot(BOT_DATABASE=location)
    faults = Faults(disk_full=True)
    faults.attach(bot.store)
    users = burst(fake, 10)
    for user in users:
        await fake.wait_for_messages(user.id, 3, timeout=30)
    await until(lambda: not bot.store.healthy)
    url = f"http://127.0.0.1:{bot.ops.port}"
    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get("/healthz")).status_code == 200  # alive: no restart
        ready = await client.get("/readyz")
        assert ready.json()["store"]["writing"] is False  # and it says why
    faults.disk_full = False  # space is freed
    assert await bot.store.flush(timeout_s=30)
    assert answered_twice(fake, users) == []
    assert sum(counted(location, "in").values()) == 30
    assert sum(counted(location, "out").values()) == 30
    assert bot.store.healthy

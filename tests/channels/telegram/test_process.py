"""`python -m bot run` as a real process: SIGTERM mid-burst, and no token in the logs."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from pathlib import Path

from tests.channels.telegram.conftest import spawn_bot
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.kb.conftest import good_posting, write


async def _start(fake: FakeBotApi, database: Path, **env: str) -> asyncio.subprocess.Process:
    """Spawned and polling."""
    process = await spawn_bot(fake, database, **env)
    await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
    return process


async def test_sigterm_mid_burst_answers_and_logs_everything_received(
    fake: FakeBotApi, database: Path
):
    process = await _start(fake, database)
    sent: list[tuple[FakeUser, int]] = []
    users = [fake.user() for _ in range(50)]
    for i in range(3):
        for user in users:
            user.send(f"is the job remote? ({i})")
            sent.append((user, next(reversed(fake.update_available_at))))
    await fake.wait_for(lambda: fake.calls_to("sendMessage"), timeout=30)  # mid-burst
    stopping = asyncio.get_running_loop().time()
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    # Kubernetes waits 30 s (terminationGracePeriodSeconds) before SIGKILL.
    assert asyncio.get_running_loop().time() - stopping < 25

    confirmed = fake.confirmed_update_ids
    assert confirmed, f"the bot confirmed no update:\n{stderr.decode()[-3000:]}"
    # What the bot fetched but had no time to take stays with Telegram for the next start.
    assert fake.pending_updates == len(sent) - len(confirmed)
    db = sqlite3.connect(database)
    logged = dict(
        db.execute(
            "SELECT candidate, count(*) FROM messages WHERE direction = 'in' GROUP BY candidate"
        ).fetchall()
    )
    answered = dict(
        db.execute(
            "SELECT candidate, count(*) FROM messages WHERE direction = 'out' GROUP BY candidate"
        ).fetchall()
    )
    db.close()
    for user in users:
        taken = sum(1 for who, update in sent if who is user and update in confirmed)
        replies = len(fake.messages_to(user.id))
        assert replies >= taken, f"user {user.id}: {taken} updates confirmed, {replies} answers"
        assert logged.get(f"telegram:{user.id}", 0) == replies
        assert answered.get(f"telegram:{user.id}", 0) == replies


async def test_the_token_never_appears_in_the_logs(fake: FakeBotApi, database: Path):
    fake.fail_next(2, method="getUpdates", status=502)
    process = await _start(fake, database, BOT_LOG_LEVEL="DEBUG")
    ana = fake.user()
    fake.fail_next(1, method="sendMessage", status=429, retry_after=1)
    ana.send("is the job remote?")
    await ana.next_reply(timeout=30)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    logs = (stdout + stderr).decode()
    assert process.returncode == 0
    assert "getUpdates" in logs and "Bad Gateway" in logs  # the logs did cover the requests
    assert fake.token not in logs
    assert fake.token.split(":", 1)[1] not in logs


async def test_a_refused_token_stops_with_a_clear_message(fake: FakeBotApi, database: Path):
    process = await spawn_bot(fake, database, TELEGRAM_BOT_TOKEN="999:not-the-right-token")
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert "Telegram refused the token" in stderr.decode()
    assert "not-the-right-token" not in stderr.decode()


async def test_sighup_reloads_the_knowledge_base(fake: FakeBotApi, database: Path, tmp_path: Path):
    folder = write(tmp_path / "knowledge", good_posting())
    admin = fake.user(user_id=42)
    process = await _start(
        fake,
        database,
        BOT_KNOWLEDGE=str(folder),
        BOT_WATCH_KNOWLEDGE="false",
        BOT_ADMIN_IDS="42",
        BOT_FLOOD_MESSAGES="1000",
    )
    posting = folder / "postings" / "test-job.yaml"
    text = posting.read_text()
    posting.write_text(text.replace("two days", "three days"))
    process.send_signal(signal.SIGHUP)
    ana = fake.user()

    async def asked() -> str:
        ana.send("can I work from home?")
        return (await ana.next_reply()).plain_text

    deadline = asyncio.get_running_loop().time() + 30
    while await asked() != "You can work remotely three days a week.":
        assert asyncio.get_running_loop().time() < deadline, "SIGHUP did not reload"
        await asyncio.sleep(0.1)
    posting.write_text(text.replace("title: Salary", "titel: Salary", 1))
    process.send_signal(signal.SIGHUP)
    alert = await admin.next_reply(timeout=30)
    assert alert.plain_text.startswith("⚠️ Knowledge reload refused (SIGHUP)")
    assert await asked() == "You can work remotely three days a week."
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0


async def test_a_taken_port_stops_with_a_clear_message(fake: FakeBotApi, database: Path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        process = await spawn_bot(fake, database, BOT_HTTP_PORT=str(port))
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert f"cannot serve HTTP on 127.0.0.1:{port}" in stderr.decode()

"""Admin commands, reload, and the error handler."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram.application import services_of
from bot.channels.telegram.runner import TelegramBot
from bot.core.dialogue import Responder
from bot.core.knowledge import load_knowledge
from tests.channels.telegram.conftest import ADMIN_ID, StartBot
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.kb.conftest import good_posting, write


@pytest.fixture
def admin(fake: FakeBotApi) -> FakeUser:
    return fake.user(user_id=ADMIN_ID, first_name="Admin")


@pytest.mark.parametrize("command", ["/stats", "/unanswered", "/reload"])
async def test_admin_commands_are_silent_for_everyone_else(
    fake: FakeBotApi, bot: TelegramBot, command: str
):
    ana = fake.user()
    ana.send(command)
    ana.send("/help")
    reply = await ana.next_reply()
    assert reply.plain_text.startswith("Ask me anything")  # /help's answer comes first
    assert len(fake.messages_to(ana.id)) == 1


async def test_stats_counts_today(fake: FakeBotApi, bot: TelegramBot, admin: FakeUser):
    ana = fake.user()
    for question in ("is it remote?", "fix my ps5 controller?", "what is the stack?"):
        ana.send(question)
    await fake.wait_for_messages(ana.id, 3)
    ana.press(fake.messages_to(ana.id)[0], fake.messages_to(ana.id)[0].buttons[0][1])  # 👍
    await fake.wait_for(lambda: fake.answered_callbacks)
    admin.send("/stats")
    stats = (await admin.next_reply()).plain_text
    assert "Conversations: 1, questions: 3, replies: 3" in stats
    assert "not answered 33%" in stats
    assert "Feedback: 1 👍 of 1 votes" in stats


async def test_unanswered_groups_the_fallbacks(fake: FakeBotApi, bot: TelegramBot, admin: FakeUser):
    for who in range(3):
        user = fake.user()
        user.send("fix my ps5 controller?" if who < 2 else "can you book me a taxi?")
        await user.next_reply()
    admin.send("/unanswered")
    text = (await admin.next_reply()).plain_text
    assert "3 questions" in text
    assert text.index("2× fix my ps5 controller?") < text.index("1× can you book me a taxi?")


async def test_reload_swaps_a_valid_knowledge_base_and_refuses_a_broken_one(
    fake: FakeBotApi, start_bot: StartBot, admin: FakeUser, tmp_path: Path
):
    folder = write(tmp_path / "knowledge", good_posting())
    responder = Responder(load_knowledge(folder))
    bot = await start_bot(responder, BOT_KNOWLEDGE=folder, BOT_WATCH_KNOWLEDGE="false")
    posting = folder / "postings" / "test-job.yaml"
    text = posting.read_text()
    posting.write_text(text.replace("two days", "three days"))
    admin.send("/reload")
    assert (await admin.next_reply()).plain_text == "Reloaded: 1 postings, 3 topics."
    after = services_of(bot.application).responder
    assert after is not responder

    posting.write_text(text.replace("two days", "three days").replace("- id: stack", "- id: [x"))
    admin.send("/reload")
    refused = (await admin.next_reply()).plain_text
    assert refused.startswith("Knowledge reload refused (/reload): still serving the previous")
    assert f"{posting}:" in refused  # file and line
    assert services_of(bot.application).responder is after
    ana = fake.user()
    ana.send("can I work from home?")
    assert (await ana.next_reply()).plain_text == "You can work remotely three days a week."


async def test_a_broken_edit_seen_by_the_watcher_alerts_admins_and_shows_on_healthz(
    fake: FakeBotApi, start_bot: StartBot, admin: FakeUser, tmp_path: Path
):
    folder = write(tmp_path / "knowledge", good_posting())
    bot = await start_bot(Responder(load_knowledge(folder)), BOT_KNOWLEDGE=folder)
    await asyncio.sleep(0.3)  # the watcher starts
    posting = folder / "postings" / "test-job.yaml"
    posting.write_text(posting.read_text().replace("title: Salary", "titel: Salary", 1))
    alert = await admin.next_reply(timeout=20)
    assert alert.plain_text.startswith("⚠️ Knowledge reload refused (file change)")
    assert "unknown key 'titel'" in alert.plain_text
    async with httpx.AsyncClient() as client:
        live = await client.get(f"http://127.0.0.1:{bot.ops.port}/healthz")
        health = await client.get(f"http://127.0.0.1:{bot.ops.port}/readyz")
    assert live.status_code == 200 and live.json()["knowledge_reload"] == "refused"
    assert health.status_code == 200  # still serving the previous version
    assert health.json()["knowledge"]["last_reload"]["status"] == "refused"


async def test_a_failing_handler_apologises_alerts_admins_and_the_bot_goes_on(
    fake: FakeBotApi, bot: TelegramBot, admin: FakeUser, monkeypatch: pytest.MonkeyPatch
):
    svc = services_of(bot.application)
    real_reply = svc.responder.reply

    def broken(question: str, *args: object, **kwargs: object):
        if "boom" in question:
            raise RuntimeError("matcher exploded")
        return real_reply(question, *args, **kwargs)

    monkeypatch.setattr(svc.responder, "reply", broken)
    ana = fake.user()
    ana.send("boom")
    assert (await ana.next_reply()).plain_text.startswith("Sorry, something went wrong")
    alert = await admin.next_reply()
    assert "RuntimeError: matcher exploded" in alert.plain_text
    ana.send("boom again")  # a second failure within a minute: no second alert
    await ana.next_reply()
    ana.send("is it remote?")
    assert "Télétravail" in (await ana.next_reply()).plain_text
    assert len(fake.messages_to(admin.id)) == 1
    assert svc.alerts.suppressed == 1

"""Admin commands, reload, and the error handler."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.channels.telegram.application import services_of
from bot.channels.telegram.runner import TelegramBot
from tests.channels.telegram.conftest import ADMIN_ID, StartBot
from tests.conftest import KNOWLEDGE
from tests.fakes.bot_api import FakeBotApi, FakeUser


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
    for question in ("is it remote?", "do you sponsor visas?", "what is the stack?"):
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
        user.send("do you sponsor visas?" if who < 2 else "is there a gym?")
        await user.next_reply()
    admin.send("/unanswered")
    text = (await admin.next_reply()).plain_text
    assert "3 questions" in text
    assert text.index("2× do you sponsor visas?") < text.index("1× is there a gym?")


async def test_reload_swaps_a_valid_knowledge_base_and_refuses_a_broken_one(
    fake: FakeBotApi, start_bot: StartBot, admin: FakeUser, tmp_path: Path
):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    bot = await start_bot(BOT_KNOWLEDGE=folder)
    before = services_of(bot.application).responder
    posting = folder / "postings" / "backmarket-backend-engineer.yaml"
    text = posting.read_text()
    posting.write_text(text.replace("Télétravail fréquent", "Télétravail fréquent (edited)", 1))
    admin.send("/reload")
    assert (await admin.next_reply()).plain_text.startswith("Reloaded: 1 postings")
    after = services_of(bot.application).responder
    assert after is not before

    posting.write_text(text + "\n  - id: [broken\n")
    admin.send("/reload")
    refused = (await admin.next_reply()).plain_text
    assert refused.startswith("Reload refused; still serving the previous version.")
    assert "backmarket-backend-engineer.yaml:" in refused  # file and line
    assert services_of(bot.application).responder is after
    ana = fake.user()
    ana.send("is it remote?")
    assert "(edited)" in (await ana.next_reply()).plain_text


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

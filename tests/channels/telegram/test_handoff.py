"""Hand-off round trip: candidate, recruiters' group, a recruiter's reply, candidate."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram.runner import TelegramBot
from tests.channels.telegram.conftest import StartBot, stored
from tests.fakes.bot_api import FakeBotApi, FakeGroup


@pytest.fixture
def recruiters(fake: FakeBotApi) -> FakeGroup:
    return fake.group(title="Recruiters")


@pytest.fixture
async def bot(start_bot: StartBot, recruiters: FakeGroup) -> TelegramBot:
    return await start_bot(BOT_RECRUITER_CHAT_ID=recruiters.id, BOT_HANDOFF_REPLY_HOURS=24)


async def test_round_trip(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup, database: Path
):
    ana = fake.user(first_name="Ana", username="ana_dev")
    marie = fake.user(first_name="Marie")
    ana.send("can you fix my ps5 controller?")
    fallback = await ana.next_reply()
    ana.press(fallback, "h:")
    told = await ana.next_reply()
    assert "passed your question to the recruiting team" in told.plain_text
    assert "within 24 hours" in told.plain_text

    [post] = await fake.wait_for_messages(recruiters.id, 1)
    assert f"#c{ana.id}" in post.plain_text and "@ana_dev" in post.plain_text
    assert "Question: can you fix my ps5 controller?" in post.plain_text
    assert "Reply to this message" in post.plain_text

    marie.send("Yes, we can help with that.", chat=recruiters, reply_to=post)
    relayed = await ana.next_reply()
    assert relayed.plain_text.startswith("A recruiter replied:")
    assert "Yes, we can help with that." in relayed.plain_text
    confirm = (await fake.wait_for_messages(recruiters.id, 2))[1]
    assert confirm.plain_text == "✓ Sent to the candidate."

    ana.send("Great, thanks! Which countries?", reply_to=relayed)
    assert (await ana.next_reply()).plain_text == "Sent to the recruiter."
    answer_post = (await fake.wait_for_messages(recruiters.id, 3))[2]
    assert "The candidate answered" in answer_post.plain_text
    assert "Which countries?" in answer_post.plain_text and f"#c{ana.id}" in answer_post.plain_text

    logged = await stored(
        bot,
        database,
        "SELECT direction, outcome, text FROM messages WHERE candidate = ? ORDER BY seq",
        f"telegram:{ana.id}",
    )
    assert [(r["direction"], r["outcome"]) for r in logged] == [
        ("in", None),
        ("out", "fallback"),
        ("in", "handoff"),
        ("out", "handoff"),
        ("out", "recruiter"),
        ("in", "handoff"),
        ("out", "handoff"),
    ]
    assert logged[4]["text"] == "Yes, we can help with that."
    status = await stored(bot, database, "SELECT status FROM conversations")
    assert [s[0] for s in status] == ["handed_off"]


async def test_human_command_without_a_question_asks_for_it_first(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup
):
    ana = fake.user(language_code="fr")
    ana.send("/human")
    assert (await ana.next_reply()).plain_text.startswith("Que voulez-vous demander")
    ana.send("Quel est le salaire exact ?")
    assert (await ana.next_reply()).plain_text.startswith("J'ai transmis votre question")
    [post] = await fake.wait_for_messages(recruiters.id, 1)
    assert "Question: Quel est le salaire exact ?" in post.plain_text


async def test_human_command_with_the_question(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup
):
    ana = fake.user()
    ana.send("/human can I bring my dog to the office?")
    assert "passed your question" in (await ana.next_reply()).plain_text
    [post] = await fake.wait_for_messages(recruiters.id, 1)
    assert "Question: can I bring my dog to the office?" in post.plain_text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "can I talk to a real person please"),
        ("fr", "je voudrais parler à un humain"),
        ("es", "quiero hablar con una persona"),
    ],
)
async def test_asking_for_a_person_in_words_hands_off(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup, lang: str, words: str
):
    ana = fake.user(language_code=lang)
    ana.send("can you fix my ps5 controller?" if lang == "en" else "/start")
    await ana.next_reply()
    ana.send(words)
    reply = await ana.next_reply()
    if lang == "en":  # the unanswered question goes to the recruiters at once
        assert "passed your question" in reply.plain_text
        [post] = await fake.wait_for_messages(recruiters.id, 1)
        assert "can you fix my ps5 controller?" in post.plain_text
    else:
        assert reply.buttons == [] and reply.plain_text.startswith(("Que voulez", "¿Qué quieres"))


async def test_recruiters_chatting_among_themselves_is_left_alone(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup
):
    marie, paul = fake.user(first_name="Marie"), fake.user(first_name="Paul")
    first = marie.send("lunch?", chat=recruiters)
    paul.send("sure", chat=recruiters, reply_to=first)
    ana = fake.user()
    ana.send("/human is there a gym?")
    await fake.wait_for_messages(recruiters.id, 1)
    assert len(fake.messages_to(recruiters.id)) == 1  # only the hand-off post


async def test_a_blocked_candidate_is_reported_to_the_recruiter(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup
):
    ana, marie = fake.user(), fake.user(first_name="Marie")
    ana.send("/human is there a gym?")
    [post] = await fake.wait_for_messages(recruiters.id, 1)
    ana.block()
    marie.send("Yes there is.", chat=recruiters, reply_to=post)
    notice = (await fake.wait_for_messages(recruiters.id, 2))[1]
    assert notice.plain_text == "Not delivered: the candidate has blocked the bot."


async def test_no_recruiters_group_configured(fake: FakeBotApi, start_bot: StartBot):
    await start_bot()
    ana = fake.user()
    ana.send("/human is there a gym?")
    assert (await ana.next_reply()).plain_text.startswith("Sorry, no recruiter is connected")


async def test_group_unreachable_tells_the_candidate_and_the_admins(
    fake: FakeBotApi, start_bot: StartBot
):
    admin = fake.user(user_id=42)
    await start_bot(BOT_RECRUITER_CHAT_ID=-100999)  # a chat the bot is not in
    ana = fake.user()
    ana.send("/human is there a gym?")
    assert (await ana.next_reply()).plain_text.startswith("Sorry, I couldn't reach the recruiting")
    alert = await admin.next_reply()
    assert "could not be posted to the recruiters' group" in alert.plain_text


async def test_a_question_asked_with_the_request_goes_to_the_recruiter(
    fake: FakeBotApi, bot: TelegramBot, recruiters: FakeGroup
):
    ana = fake.user()
    ana.send("is it remote? also can I talk to a recruiter")
    assert "passed your question" in (await ana.next_reply()).plain_text
    [post] = await fake.wait_for_messages(recruiters.id, 1)
    assert "Question: is it remote? also can I talk to a recruiter" in post.plain_text

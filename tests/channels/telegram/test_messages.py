"""Whatever candidates send: non-text, edits, forwards, channels, groups, floods, long texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram.runner import TelegramBot
from bot.core.dialogue import Responder
from bot.core.knowledge import load_knowledge
from tests.channels.telegram.conftest import StartBot, stored, stored_when
from tests.conftest import posting_yaml, topic_yaml
from tests.fakes.bot_api import FakeBotApi


@pytest.mark.parametrize(
    "send",
    ["send_sticker", "send_photo", "send_voice", "send_document", "send_location", "send_contact"],
)
async def test_non_text_gets_a_polite_reply_in_the_candidates_language(
    fake: FakeBotApi, bot: TelegramBot, database: Path, send: str
):
    pablo = fake.user(language_code="es")
    getattr(pablo, send)()
    reply = await pablo.next_reply()
    assert (
        reply.plain_text
        == "Solo puedo leer mensajes de texto. Escribe tu pregunta sobre el puesto."
    )
    logged = await stored(bot, database, "SELECT direction, text FROM messages ORDER BY seq")
    kind = send.removeprefix("send_")
    assert [tuple(r) for r in logged] == [("in", f"[{kind}]"), ("out", reply.plain_text)]


async def test_a_photo_caption_is_kept_in_the_transcript(
    fake: FakeBotApi, bot: TelegramBot, database: Path
):
    ana = fake.user()
    ana.send_photo(caption="is this the office?")
    await ana.next_reply()
    logged = await stored(bot, database, "SELECT text FROM messages WHERE direction = 'in'")
    assert [r[0] for r in logged] == ["[photo] is this the office?"]


async def test_edited_forwarded_and_channel_posts(fake: FakeBotApi, bot: TelegramBot):
    ana, bob = fake.user(language_code="fr"), fake.user()
    sent = ana.send("c'est en télétravail ?")
    await ana.next_reply()
    ana.edit(sent, "c'est en télétravail complet ?")
    assert (await ana.next_reply()).plain_text.startswith("Je ne lis pas les messages modifiés")
    ana.send("quel salaire ?", forward_from=bob)
    assert (await ana.next_reply()).plain_text.startswith("Je ne lis pas les messages transférés")
    post = fake.channel_post("News", "we are hiring")
    replies = await fake.wait_for_messages(post["chat"]["id"], 1)
    assert "private chat" in replies[0].plain_text


async def test_in_groups_only_mentions_and_commands_are_answered(
    fake: FakeBotApi, bot: TelegramBot
):
    group = fake.group(title="Candidates meetup")
    ana = fake.user()
    ana.send("is it remote?", chat=group)
    ana.send("@hirebot_test_bot is it remote?", chat=group)
    ana.send("/help@hirebot_test_bot", chat=group)
    replies = await fake.wait_for_messages(group.id, 2)
    assert "Télétravail" in replies[0].plain_text  # the remote-work answer
    assert "/human" in replies[1].plain_text
    assert len(fake.messages_to(group.id)) == 2


async def test_unknown_command(fake: FakeBotApi, bot: TelegramBot):
    ana = fake.user()
    ana.send("/frobnicate")
    assert (await ana.next_reply()).plain_text.startswith("I don't know that command")


async def test_a_huge_message_is_answered_and_stored_whole(
    fake: FakeBotApi, bot: TelegramBot, database: Path
):
    ana = fake.user()
    text = "is it remote? " + "blah " * 1000
    ana.send(text)
    reply = await ana.next_reply()
    assert reply.plain_text
    logged = await stored(bot, database, "SELECT text FROM messages WHERE direction = 'in'")
    assert [r[0] for r in logged] == [text]


async def test_flood_guard_asks_to_slow_down_and_still_logs_everything(
    fake: FakeBotApi, start_bot: StartBot, database: Path
):
    bot = await start_bot(BOT_FLOOD_MESSAGES=3, BOT_FLOOD_SECONDS=60)
    ana = fake.user()
    for i in range(6):
        ana.send(f"is it remote? ({i})")
    await fake.wait_for_messages(ana.id, 4)

    logged = await stored_when(
        bot,
        database,
        "SELECT text, outcome FROM messages WHERE direction = 'in' ORDER BY seq",
        lambda found: len(found) >= 6,
    )
    assert [r[1] for r in logged] == [None, None, None, "flood", "flood", "flood"]
    assert [r[0] for r in logged] == [f"is it remote? ({i})" for i in range(6)]
    replies = fake.messages_to(ana.id)
    assert len(replies) == 4 and replies[3].plain_text.startswith("You're sending messages faster")


async def test_long_answers_are_split_under_telegrams_limit(
    fake: FakeBotApi, start_bot: StartBot, make_kb
):
    long_a = "Alpha & beta. " * 290  # 4060 characters, over 4096 once escaped
    long_b = "Gamma line.\n" * 300
    root = make_kb(
        posting_yaml(topic_yaml("alpha", long_a.strip()) + topic_yaml("beta", long_b.strip()))
    )
    responder = Responder(load_knowledge(root))
    bot = await start_bot(responder, BOT_KNOWLEDGE=root)
    assert bot
    ana = fake.user()
    ana.send("question alpha en")
    first = await fake.wait_for_messages(ana.id, 2)
    assert all(len(m.text) <= 4096 for m in first)
    assert "".join(m.plain_text for m in first).replace(" ", "") == long_a.replace(" ", "")
    assert first[0].reply_markup is None and first[1].reply_markup is not None  # buttons last
    ana.send("question alpha en and question beta en")
    both = (await fake.wait_for_messages(ana.id, 5))[2:]
    assert len(both) >= 3 and all(len(m.text) <= 4096 for m in both)

"""A candidate's conversation end to end: commands, questions, buttons, feedback."""

from __future__ import annotations

from pathlib import Path

from bot.channels.telegram.runner import TelegramBot
from bot.core.knowledge import KnowledgeBase
from tests.channels.telegram.conftest import stored
from tests.conftest import topic_text
from tests.fakes.bot_api import FakeBotApi


async def test_start_greets_in_the_candidates_language_and_shows_topics(
    fake: FakeBotApi, bot: TelegramBot, knowledge: KnowledgeBase
):
    ana = fake.user(language_code="fr-FR")
    ana.send("/start")
    reply = await ana.next_reply()
    assert "assistant automatique" in reply.plain_text
    assert "robot" in reply.plain_text and "/privacy" in reply.plain_text
    titles = [t.text("fr").title for t in knowledge.posting().topics if not t.is_smalltalk]
    assert [text for text, _ in reply.buttons] == titles
    assert all(data and data.startswith("t:") for _, data in reply.buttons)


async def test_command_menu_is_set_per_language(fake: FakeBotApi, bot: TelegramBot):
    menus = fake.commands
    descriptions = {key: [c["description"] for c in cmds] for key, cmds in menus.items()}
    by_language = {key[1]: d for key, d in descriptions.items() if key[0] == "default"}
    assert "Talk to a recruiter" in by_language[""]
    assert "Parler à un recruteur" in by_language["fr"]
    assert "Hablar con un reclutador" in by_language["es"]
    admin_menu = next(cmds for key, cmds in menus.items() if key[0] == 42)
    assert {"stats", "unanswered", "reload"} <= {c["command"] for c in admin_menu}


async def test_a_question_gets_its_answer_with_feedback_and_related_buttons(
    fake: FakeBotApi, bot: TelegramBot, knowledge: KnowledgeBase, database: Path
):
    ana = fake.user()
    ana.send("is the job remote?")
    reply = await ana.next_reply()
    assert reply.parse_mode == "HTML"
    assert reply.plain_text == topic_text(knowledge, "remote-work", "en")
    data = [d for _, d in reply.buttons]
    assert data[0].startswith("f1:") and data[1].startswith("f0:")
    related = knowledge.posting().topic("remote-work").related
    assert data[2:] == [f"t:{r}" for r in related]

    ana.press(reply, data[1])  # 👎
    await fake.wait_for(lambda: reply.edited_at is not None)
    assert [d for _, d in reply.buttons] == [f"t:{r}" for r in related]
    assert fake.answered_callbacks[-1]["text"] == "Thanks for your feedback!"
    votes = await stored(bot, database, "SELECT message, helpful FROM feedback")
    assert [(v["message"], v["helpful"]) for v in votes] == [(data[1][3:], 0)]
    answer = await stored(
        bot, database, "SELECT outcome, topics FROM messages WHERE id = ?", data[1][3:]
    )
    assert [tuple(a) for a in answer] == [("answer", "remote-work")]


async def test_related_topic_button_answers_that_topic(
    fake: FakeBotApi, bot: TelegramBot, knowledge: KnowledgeBase
):
    ana = fake.user()
    ana.send("is the job remote?")
    reply = await ana.next_reply()
    target = reply.buttons[2][1]
    ana.press(reply, target)
    second = await ana.next_reply()
    assert second.plain_text == topic_text(knowledge, target[2:], "en")


async def test_clarify_offers_choices_and_records_the_choice(
    fake: FakeBotApi, bot: TelegramBot, knowledge: KnowledgeBase, database: Path
):
    ana = fake.user()
    ana.send("what about the team")
    clarify = await ana.next_reply()
    assert clarify.plain_text.startswith("I'm not sure I understood")
    data = [d for _, d in clarify.buttons]
    assert data[-1] == "n:" and all(d.startswith("c:") for d in data[:-1]) and len(data) >= 3
    choice = data[0][2:]
    ana.press(clarify, data[0])
    answer = await ana.next_reply()
    assert answer.plain_text == topic_text(knowledge, choice, "en")
    await fake.wait_for(lambda: clarify.reply_markup is None)  # a choice can't be made twice
    logged = await stored(
        bot, database, "SELECT direction, outcome, topics FROM messages ORDER BY seq"
    )
    assert [tuple(r) for r in logged][-3:] == [
        ("out", "clarify", ",".join(d[2:] for d in data[:-1])),
        ("in", "command", choice),
        ("out", "answer", choice),
    ]


async def test_none_of_these_offers_a_recruiter(fake: FakeBotApi, bot: TelegramBot):
    ana = fake.user()
    ana.send("what about the team")
    clarify = await ana.next_reply()
    ana.press(clarify, "n:")
    offer = await ana.next_reply()
    assert "pass your question to a recruiter" in offer.plain_text
    assert offer.buttons == [("Talk to a recruiter", "h:")]


async def test_fallback_is_honest_in_the_candidates_language(fake: FakeBotApi, bot: TelegramBot):
    pablo = fake.user(language_code="es")
    pablo.send("¿me recomiendas una receta de paella?")
    reply = await pablo.next_reply()
    assert reply.plain_text.startswith("Lo siento, no sé la respuesta")
    assert reply.buttons == [("Hablar con un reclutador", "h:")]


async def test_help_topics_privacy(fake: FakeBotApi, bot: TelegramBot):
    ana = fake.user()
    ana.send("/help")
    assert "/human" in (await ana.next_reply()).plain_text
    ana.send("/topics")
    topics = await ana.next_reply()
    assert topics.plain_text == "You can ask about:" and len(topics.buttons) >= 10
    ana.send("/privacy")
    privacy = (await ana.next_reply()).plain_text
    assert "180 days" in privacy and "/forget" in privacy


async def test_language_switch(fake: FakeBotApi, bot: TelegramBot):
    ana = fake.user()
    ana.send("/language")
    choose = await ana.next_reply()
    assert [d for _, d in choose.buttons] == ["l:en", "l:fr", "l:es"]
    ana.press(choose, "l:es")
    assert (await ana.next_reply()).plain_text.startswith("De acuerdo")
    ana.send("/help")
    assert (await ana.next_reply()).plain_text.startswith("Pregúntame")


async def test_deep_link_binds_the_posting(fake: FakeBotApi, bot: TelegramBot, database: Path):
    ana = fake.user()
    ana.send("/start backmarket-backend-engineer")
    await ana.next_reply()
    bob = fake.user()
    bob.send("/start no-such-job")
    assert "Backend Engineer" in (await bob.next_reply()).plain_text  # the default posting
    postings = await stored(bot, database, "SELECT DISTINCT posting FROM conversations")
    assert [p[0] for p in postings] == ["backmarket-backend-engineer"]


async def test_forget_erases_everything_after_confirmation(
    fake: FakeBotApi, bot: TelegramBot, database: Path
):
    ana = fake.user()
    ana.send("is the job remote?")
    await ana.next_reply()
    ana.send("/forget")
    confirm = await ana.next_reply()
    assert [d for _, d in confirm.buttons] == ["x:yes", "x:no"]
    key = f"telegram:{ana.id}"
    assert await stored(bot, database, "SELECT 1 FROM messages WHERE candidate = ?", key)
    ana.press(confirm, "x:yes")
    await fake.wait_for(lambda: confirm.edited_at is not None)
    assert confirm.plain_text.startswith("Done: I erased your")
    for table, column in (
        ("messages", "candidate"),
        ("conversations", "candidate"),
        ("candidates", "key"),
    ):
        assert not await stored(bot, database, f"SELECT 1 FROM {table} WHERE {column} = ?", key)


async def test_forget_no_keeps_the_data(fake: FakeBotApi, bot: TelegramBot, database: Path):
    ana = fake.user()
    ana.send("/forget")
    confirm = await ana.next_reply()
    ana.press(confirm, "x:no")
    await fake.wait_for(lambda: confirm.edited_at is not None)
    assert confirm.plain_text == "OK, I erased nothing."
    assert await stored(
        bot, database, "SELECT 1 FROM candidates WHERE key = ?", f"telegram:{ana.id}"
    )

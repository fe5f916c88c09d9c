"""The responder over the real knowledge base: languages, scope, bad input."""

from __future__ import annotations

import pytest

from bot.core.dialogue import Outcome, Responder


@pytest.mark.parametrize(
    ("question", "topic", "lang"),
    [
        ("Is the job remote?", "remote-work", "en"),
        ("remote?", "remote-work", "en"),
        ("whats the salray", "salary", "en"),
        ("c'est quoi la stack technique ?", "tech-stack", "fr"),
        ("combien d'entretiens ?", "interview-process", "fr"),
        ("¿Cuánto pagan?", "salary", "es"),
        ("¿se puede teletrabajar?", "remote-work", "es"),
        ("TECH STACK???", "tech-stack", "en"),
        ("hello", "smalltalk.greeting", "en"),
        ("gracias!", "smalltalk.thanks", "es"),
    ],
)
def test_answers_in_the_candidates_language(
    responder: Responder, question: str, topic: str, lang: str
) -> None:
    reply = responder.reply(question)
    assert (reply.outcome, reply.topic, reply.lang) == (Outcome.ANSWER, topic, lang)
    posting = responder.knowledge.posting()
    assert reply.text == posting.answer(topic, lang)


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather",
        "my refurbished phone won't turn on",
        "do you sponsor visas?",
        "how do I change the batteries of my tv remote",
        "quel temps fera-t-il demain à Lyon ?",
        "¿dónde está mi pedido?",
    ],
)
def test_out_of_scope_falls_back_to_a_recruiter(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert reply.outcome is Outcome.FALLBACK
    assert reply.topics == ()
    assert "/human" in reply.text


def test_two_part_question_gets_both_answers(responder: Responder) -> None:
    reply = responder.reply("is it remote and what's the salary?")
    assert reply.outcome is Outcome.ANSWER
    assert set(reply.topics) == {"remote-work", "salary"}
    posting = responder.knowledge.posting()
    assert posting.answer("remote-work", "en") in reply.text
    assert posting.answer("salary", "en") in reply.text


def test_other_language_is_answered_in_english_and_says_so(responder: Responder) -> None:
    reply = responder.reply("Wie hoch ist das Gehalt für diese Stelle?")
    assert reply.lang == "de"
    assert reply.reply_lang == "en"
    assert reply.text.startswith("I can answer in English, French or Spanish")


def test_language_hint_keeps_a_short_ambiguous_message_in_the_conversation_language(
    responder: Responder,
) -> None:
    assert responder.reply("python?", lang_hint="fr").lang == "fr"


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   \n\t ",
        "🙂🙂🙂",
        "\x00\x01\x1b[31m",
        "a" * 10_000,
        "remote " * 2000,
        "Какая зарплата на этой позиции?",
        "这个职位可以远程工作吗？",
        "'; DROP TABLE messages; --",
        "<script>alert(1)</script>",
        "{apply_url} {0} %s",
    ],
)
def test_bad_input_gets_a_sane_reply(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert reply.text.strip()
    assert 0.0 <= reply.confidence <= 1.0
    assert reply.outcome in set(Outcome)
    assert reply.reply_lang in {"en", "fr", "es"}


def test_empty_message_asks_for_text(responder: Responder) -> None:
    reply = responder.reply("   ")
    assert reply.outcome is Outcome.FALLBACK
    assert "type your question" in reply.text


def test_ambiguous_question_offers_choices(responder: Responder) -> None:
    reply = responder.reply("tell me about the teams")
    assert reply.outcome is Outcome.CLARIFY
    assert 2 <= len(reply.suggestions) <= 3
    assert reply.topic is None


def test_small_talk_parts_get_one_reply(responder: Responder) -> None:
    reply = responder.reply("thank you so much, that helps")
    assert reply.outcome is Outcome.ANSWER
    assert len(reply.topics) == 1 and reply.topics[0].startswith("smalltalk.")


def test_greeting_plus_question_answers_the_question(responder: Responder) -> None:
    reply = responder.reply("hello! is the job remote?")
    assert reply.topics == ("remote-work",)


def test_unanswerable_part_of_a_question_is_flagged(responder: Responder) -> None:
    reply = responder.reply("is it remote, and do you sponsor visas?")
    assert reply.topics == ("remote-work",)
    assert "rest of your question" in reply.text


def test_greeting_does_not_hide_an_unanswerable_question(responder: Responder) -> None:
    reply = responder.reply("hi! do you sponsor visas?")
    assert reply.outcome is Outcome.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "remote is it?",
        "REMOTE???",
        "🏠 remote? 🙏",
        "is    the job\tremote",
        "c'est en télétravail ?",
        "cest en teletravail",
        "C'EST EN TÉLÉTRAVAIL",
        "teletravial possible ?",
    ],
)
def test_robust_to_order_case_accents_emoji_and_typos(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert (reply.outcome, reply.topic) == (Outcome.ANSWER, "remote-work")


@pytest.mark.parametrize(
    "question",
    [
        "hi, can I talk to a human?",
        "bonjour, je voudrais parler à un humain",
        "is it remote? also can I talk to a recruiter",
    ],
)
def test_asking_for_a_person_is_never_lost_in_a_longer_message(responder, question):
    reply = responder.reply(question)
    assert reply.wants_human, reply.topics

"""The responder over the real knowledge base: languages, scope, bad input."""

from __future__ import annotations

import pytest

from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import is_smalltalk


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
    assert reply.outcome in (Outcome.ANSWER, Outcome.NOT_STATED)
    assert (reply.topic, reply.lang) == (topic, lang)
    posting = responder.knowledge.posting()
    if is_smalltalk(topic):
        assert reply.text == posting.answer(topic, lang)
        return
    # Facts of that topic, in that language, each with the posting's words under it.
    facts = [posting.fact_text(topic, f.id, lang) for f in posting.topic(topic).facts]
    assert any(f and f in reply.text for f in facts)
    bullets = [s for s in reply.sections if s.body.startswith("• ")]
    assert bullets and all(s.quote for s in bullets)


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather",
        "how do I change the batteries of my tv remote",
        "quel temps fera-t-il demain à Lyon ?",
        "what is kubernetes exactly",
    ],
)
def test_out_of_scope_falls_back_to_a_recruiter(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert reply.outcome is Outcome.FALLBACK
    assert reply.topics == ()
    assert "/human" in reply.text


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("my refurbished phone won't turn on", "customer support"),
        ("¿dónde está mi pedido?", "atención al cliente"),
        ("ma commande n'est jamais arrivée", "service client"),
    ],
)
def test_customer_service_points_to_customer_support(
    responder: Responder, question: str, words: str
) -> None:
    reply = responder.reply(question)
    assert reply.outcome is Outcome.FALLBACK
    assert words in reply.text
    assert "http" not in reply.text  # no invented link


def test_two_part_question_gets_both_answers(responder: Responder) -> None:
    reply = responder.reply("is it remote and what's the salary?")
    # The salary is not stated: the reply says so, beside what the posting does say.
    assert reply.outcome is Outcome.NOT_STATED
    assert set(reply.topics) == {"remote-work", "salary"}
    posting = responder.knowledge.posting()
    assert posting.fact_text("remote-work", "frequent", "en") in reply.text
    assert posting.fact_text("salary", "not-specified", "en") in reply.text
    assert "doesn't say what the job pays" in reply.text


def test_other_language_is_answered_in_english_and_says_so(responder: Responder) -> None:
    reply = responder.reply("Wie hoch ist das Gehalt für diese Stelle?")
    assert reply.lang == "de"
    assert reply.reply_lang == "en"
    assert reply.text.startswith("I can answer in English, French or Spanish")


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("qué es kubernetes?", "es"),  # the n-gram model alone says French
        ("qué es docker?", "es"),
        ("ça se passe où, le poste ?", "fr"),
        ("do you organise hackathons?", "en"),
    ],
)
def test_accented_function_words_tell_the_language(
    responder: Responder, question: str, lang: str
) -> None:
    assert responder.reply(question).reply_lang == lang


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
    reply = responder.reply("how large is the engineering team")  # org, or the squad?
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
    reply = responder.reply("is it remote, and do you offer free ponies?")
    assert reply.topics == ("remote-work",)
    assert "rest of your question" in reply.text


def test_an_unstated_part_is_said_to_be_unstated(responder: Responder) -> None:
    reply = responder.reply("is it remote, and do you sponsor visas?")
    assert reply.outcome is Outcome.NOT_STATED
    assert set(reply.topics) == {"remote-work", "locations"}
    assert "doesn't say whether visas" in reply.text


def test_greeting_does_not_hide_an_unanswerable_question(responder: Responder) -> None:
    reply = responder.reply("hi! do you sponsor visas?")
    assert reply.outcome is Outcome.NOT_STATED
    assert reply.unknowns == ("locations/visa",)


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

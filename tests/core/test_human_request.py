"""Asking for a person in words routes to `smalltalk.human`, where channels hand off.

Questions *about* recruiters or the process must keep their own topics: a hand-off
there would page a recruiter for something the posting already answers.
"""

from __future__ import annotations

import pytest

from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import LANGUAGES, KnowledgeBase
from bot.core.text import words

HUMAN = "smalltalk.human"

# Held out: none of these is an example of the knowledge base or a dev-set line.
REQUESTS = [
    ("can I talk to a real person?", "en"),
    ("speak to a recruiter please", "en"),
    ("I'd like to talk to someone from HR", "en"),
    ("I want to speak to a human being", "en"),
    ("get me a real human", "en"),
    ("can I talk to an actual person please", "en"),
    ("je voudrais parler à un humain", "fr"),
    ("est-ce que je peux parler à un recruteur svp", "fr"),
    ("passez-moi une vraie personne", "fr"),
    ("je veux discuter avec quelqu'un des rh", "fr"),
    ("mettez-moi en relation avec quelqu'un du recrutement", "fr"),
    ("puedo hablar con alguien de RRHH?", "es"),
    ("quiero hablar con una persona de carne y hueso", "es"),
    ("me pasas con un reclutador por favor", "es"),
    ("necesito hablar con un humano", "es"),
    ("quisiera hablar con alguien de recursos humanos", "es"),
]

# Near misses: about recruiters, the process or the bot, each with the topic it keeps.
NEAR_MISSES = [
    ("who will interview me?", "interview-process"),
    ("how many interviews are there?", "interview-process"),
    ("how long does the recruiting process take?", "interview-process"),
    ("who is the hiring manager?", "interview-process"),
    ("is the recruiter French?", "language"),
    ("how do I contact you to apply?", "apply"),
    ("am i talking to a human?", "smalltalk.bot"),
    ("are you a bot?", "smalltalk.bot"),
    ("what can you do?", "smalltalk.help"),
    ("qui me fera passer les entretiens ?", "interview-process"),
    ("combien de temps dure le recrutement ?", "interview-process"),
    ("comment vous contacter pour postuler ?", "apply"),
    ("la recruteuse parle espagnol ?", "language"),
    ("t'es un humain ?", "smalltalk.bot"),
    ("quién me entrevistará?", "interview-process"),
    ("cuánto tarda el proceso de selección?", "interview-process"),
    ("cómo os contacto para aplicar?", "apply"),
    ("el reclutador habla francés?", "language"),
    ("eres una persona?", "smalltalk.bot"),
]


@pytest.mark.parametrize(("question", "lang"), REQUESTS)
def test_asking_for_a_person_routes_to_the_human_topic(
    responder: Responder, question: str, lang: str
) -> None:
    reply = responder.reply(question)
    assert (reply.outcome, reply.topic, reply.lang) == (Outcome.ANSWER, HUMAN, lang)
    assert reply.text == responder.knowledge.posting().answer(HUMAN, lang)


@pytest.mark.parametrize(("question", "topic"), NEAR_MISSES)
def test_questions_about_recruiters_keep_their_topic(
    responder: Responder, question: str, topic: str
) -> None:
    reply = responder.reply(question)
    # The answer, or what the posting doesn't say of that topic: never a hand-off.
    assert reply.outcome in (Outcome.ANSWER, Outcome.NOT_STATED)
    assert reply.topic == topic
    assert not reply.wants_human


def test_the_requests_are_held_out(knowledge: KnowledgeBase) -> None:
    """A request that is also an example would only show the matcher finding itself."""
    topic = knowledge.posting().topic(HUMAN)
    examples = {tuple(words(e)) for lang in LANGUAGES for e in topic.text(lang).examples}
    assert not [q for q, _ in REQUESTS if tuple(words(q)) in examples]


def test_the_answer_points_to_the_human_command_in_every_language(
    knowledge: KnowledgeBase,
) -> None:
    # The terminal chat shows this answer as it is, with no recruiter attached.
    for lang in LANGUAGES:
        assert "/human" in knowledge.posting().answer(HUMAN, lang)

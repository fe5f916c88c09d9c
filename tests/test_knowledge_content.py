"""The shipped knowledge base: required topics, complete translations, facts from the posting."""

from __future__ import annotations

import re

from bot.core.knowledge import LANGUAGES, KnowledgeBase
from tests.conftest import ROOT

REQUIRED = {
    "company",
    "mission",
    "funding",
    "role",
    "requirements",
    "tech-stack",
    "architecture",
    "engineering-org",
    "career-growth",
    "ways-of-working",
    "security-privacy",
    "remote-work",
    "locations",
    "language",
    "salary",
    "interview-process",
    "apply",
}
SMALLTALK = {
    "smalltalk.greeting",
    "smalltalk.thanks",
    "smalltalk.goodbye",
    "smalltalk.bot",
    "smalltalk.help",
}
POSTING_TEXT = (ROOT / "seeds" / "backmarket-backend-engineer.txt").read_text(encoding="utf-8")


def test_required_topics_exist(knowledge: KnowledgeBase) -> None:
    ids = {t.id for t in knowledge.posting("backmarket-backend-engineer").topics}
    assert ids >= REQUIRED | SMALLTALK


def test_many_examples_per_topic_and_language(knowledge: KnowledgeBase) -> None:
    for topic in knowledge.posting().topics:
        for lang in LANGUAGES:
            floor = 10 if topic.is_smalltalk else 20
            assert len(topic.text(lang).examples) >= floor, (topic.id, lang)


def test_every_number_in_an_answer_is_in_the_posting(knowledge: KnowledgeBase) -> None:
    """A cheap guard against invented figures: each number must appear in the posting."""
    posting_numbers = set(re.findall(r"\d+(?:[.,]\d+)?", POSTING_TEXT))
    for topic in knowledge.posting().topics:
        for lang in LANGUAGES:
            for number in re.findall(
                r"\d+(?:[.,]\d+)?", knowledge.posting().answer(topic.id, lang)
            ):
                assert number.replace(",", ".") in posting_numbers | {"1", "2", "3", "4", "5"}, (
                    topic.id,
                    lang,
                    number,
                )


def test_silent_facts_are_not_claimed(knowledge: KnowledgeBase) -> None:
    salary = knowledge.posting().topic("salary")
    for lang in LANGUAGES:
        answer = salary.text(lang).answer
        assert not re.search(r"[€$£]|\bk\b|\d{2,}", answer), answer
        assert "/human" in answer or "recruit" in answer.lower() or "reclut" in answer.lower()


def test_apply_link_is_an_admin_placeholder(knowledge: KnowledgeBase) -> None:
    posting = knowledge.posting()
    assert "apply_url" in posting.facts
    for lang in LANGUAGES:
        assert "{apply_url}" in posting.topic("apply").text(lang).answer

"""The shipped knowledge base: required topics, complete translations, and only what the
posting says, each fact with the posting's own words."""

from __future__ import annotations

import re

import pytest

from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import LANGUAGES, KnowledgeBase
from bot.core.knowledge.quotes import normal_quote
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
# What candidates ask that the posting doesn't say: each must be a known unknown.
UNKNOWNS = {
    "remote-work": {"office-days", "fully-remote"},
    "engineering-org": {"squad-size"},
    "ways-of-working": {"on-call", "pair-programming"},
    "interview-process": {"live-coding", "take-home", "length", "manager"},
    "role": {"contract-type", "start-date"},
    "requirements": {"years-of-experience"},
    "salary": {"salary-range", "equity", "benefits"},
    "locations": {"relocation", "visa", "office-city"},
    "tech-stack": {"other-technologies"},
}


def test_required_topics_exist(knowledge: KnowledgeBase) -> None:
    ids = {t.id for t in knowledge.posting("backmarket-backend-engineer").topics}
    assert ids >= REQUIRED | SMALLTALK


def test_many_examples_per_topic_and_language(knowledge: KnowledgeBase) -> None:
    for topic in knowledge.posting().topics:
        for lang in LANGUAGES:
            examples = [
                *topic.text(lang).examples,
                *(e for f in topic.facts for e in f.text(lang).examples),
                *(e for n in topic.not_stated for e in n.text(lang).examples),
            ]
            floor = 10 if topic.is_smalltalk else 20
            assert len(examples) >= floor, (topic.id, lang)


def test_every_job_topic_is_answered_by_quoted_facts(knowledge: KnowledgeBase) -> None:
    posting_text = normal_quote(POSTING_TEXT)
    for topic in knowledge.posting().topics:
        if topic.is_smalltalk:
            assert not topic.facts
            continue
        assert topic.facts, topic.id
        for fact in topic.facts:
            if fact.source == "admin":
                assert fact.owner, (topic.id, fact.id)
                continue
            assert fact.quote and normal_quote(fact.quote) in posting_text, (topic.id, fact.id)


def test_the_known_unknowns_are_listed(knowledge: KnowledgeBase) -> None:
    posting = knowledge.posting()
    for topic, entries in UNKNOWNS.items():
        assert entries <= {n.id for n in posting.topic(topic).not_stated}, topic
        for entry in posting.topic(topic).not_stated:
            for lang in LANGUAGES:
                assert len(entry.text(lang).examples) >= 3, (topic, entry.id, lang)


def test_every_number_in_a_fact_is_in_its_quote(knowledge: KnowledgeBase) -> None:
    """A guard against invented figures: a fact's numbers are its quote's numbers."""
    posting = knowledge.posting()
    for topic in posting.topics:
        for fact in topic.facts:
            quoted = {n.replace(",", ".") for n in re.findall(r"\d+(?:[.,]\d+)?", fact.quote or "")}
            for lang in LANGUAGES:
                text = fact.text(lang).text
                for number in re.findall(r"\d+(?:[.,]\d+)?", text):
                    assert number.replace(",", ".") in quoted, (topic.id, fact.id, lang, number)


def test_silent_facts_are_not_claimed(knowledge: KnowledgeBase) -> None:
    salary = knowledge.posting().topic("salary")
    for fact in salary.facts:
        for lang in LANGUAGES:
            assert not re.search(r"[€$£]|\bk\b|\d{2,}", fact.text(lang).text)


def test_apply_link_is_an_admin_fact_never_shown_as_a_placeholder(
    knowledge: KnowledgeBase, responder: Responder
) -> None:
    posting = knowledge.posting()
    assert "apply_url" in posting.facts
    link = posting.topic("apply").fact("link")
    assert link.source == "admin" and link.owner
    for lang in LANGUAGES:
        assert "{apply_url}" in link.text(lang).text
        reply = responder.answer_topic("apply", lang)
        assert "apply_url" not in reply.text and "not published" not in reply.text
        assert "/human" in reply.text


@pytest.mark.parametrize(
    ("topic", "fact", "words"),
    [
        ("architecture", "team-ownership", "are excited to"),
        ("architecture", "platform", "are working to provide"),
        ("engineering-org", "cto", "ex-VP of Engineering"),
        ("role", "responsibilities", "Produce & Optimize"),
        ("security-privacy", "by-design", "by default and by design"),
    ],
)
def test_the_facts_keep_the_postings_hedges(
    knowledge: KnowledgeBase, topic: str, fact: str, words: str
) -> None:
    assert words in knowledge.posting().topic(topic).fact(fact).en.text


def test_bi_monthly_is_not_given_one_meaning_in_translation(knowledge: KnowledgeBase) -> None:
    """The posting's "bi-monthly" is twice a month or every two months: keep it open."""
    for topic in ("ways-of-working", "career-growth"):
        rituals = knowledge.posting().topic(topic).fact("rituals")
        for lang in ("fr", "es"):
            text = rituals.text(lang).text
            assert "bi-monthly" in text, (topic, lang)
            assert not re.search(r"bimensuel|bimestriel|bimensual|bimestral", text), text


def test_ana_glorias_role_guesses_no_gender_in_translation(knowledge: KnowledgeBase) -> None:
    gendered = (
        r"\b(une? spécialiste|chargée?|recruteuse|la especialista|el especialista|reclutadora)\b"
    )
    posting = knowledge.posting()
    for topic, fact in (
        ("interview-process", "recruiter-call"),
        ("locations", "malaga"),
        ("apply", "first-step"),
    ):
        for lang in ("fr", "es"):
            assert not re.search(gendered, posting.topic(topic).fact(fact).text(lang).text)


def test_no_topic_claims_a_remote_policy_the_posting_lacks(responder: Responder) -> None:
    reply = responder.reply("since it's fully remote, can I work from another country?")
    assert reply.outcome is Outcome.NOT_STATED
    assert "fully remote" in reply.text and "doesn't say" in reply.text

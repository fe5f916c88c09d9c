"""Replies written from facts: each fact with the posting's words behind it.

Everything a reply states comes from a fact of the knowledge base; the bot's own
sentences (phrases) only frame them: "The posting doesn't say …", "What it says
about …".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.facts import Pick
from bot.core.knowledge import Posting
from bot.core.knowledge.schema import Fact, Topic
from bot.core.phrases import phrase

# At most this many facts beside a "not stated" sentence, so the sentence stays the point.
MAX_NEARBY = 4


@dataclass(frozen=True, slots=True)
class Section:
    """One block of a reply: a fact with its quote, or a sentence of the bot's."""

    body: str
    title: str | None = None
    quote: str | None = None  # the posting's words behind the body, already labelled

    @property
    def text(self) -> str:
        head = f"{self.title}\n{self.body}" if self.title else self.body
        return f"{head}\n{self.quote}" if self.quote else head


@dataclass(frozen=True, slots=True)
class Mention:
    """Specifics a question named that the posting never mentions, and the topic they
    belong to (whose facts are shown beside)."""

    names: tuple[str, ...]
    topic: str | None


def whole_topic(posting: Posting, topic_id: str, lang: str) -> list[Section]:
    """Everything a topic says: small talk's answer, or the intro and every fact."""
    topic = posting.topic(topic_id)
    if not topic.facts:
        answer = posting.answer(topic_id, lang)
        return [Section(answer if answer is not None else phrase("missing_value", lang))]
    intro = topic.text(lang).intro
    return [*([Section(intro)] if intro else []), *_facts(posting, topic, topic.facts, lang)]


def picked(posting: Posting, pick: Pick, lang: str, titled: bool) -> list[Section]:
    """The part of a topic a question asked for; `titled` when several topics answer."""
    topic = posting.topic(pick.topic)
    if pick.whole:
        sections = whole_topic(posting, pick.topic, lang)
    else:
        facts = [topic.fact(f) for f in pick.facts]
        sections = []
        for entry_id in pick.unknowns:
            entry = topic.unknown(entry_id)
            sections.append(Section(phrase("not_stated", lang, what=entry.text(lang).text)))
            nearby = [topic.fact(f) for f in entry.nearby if topic.fact(f) not in facts]
            facts += nearby
        if pick.unknowns and len(facts) > len(pick.facts):
            sections.append(Section(phrase("what_it_says", lang, title=_title(topic, lang))))
        sections += _facts(posting, topic, facts[: max(MAX_NEARBY, len(pick.facts))], lang)
    if titled and sections:
        first = sections[0]
        sections[0] = Section(first.body, topic.text(lang).title, first.quote)
    return sections


def mention(posting: Posting, found: Mention, lang: str, with_facts: bool = True) -> list[Section]:
    """'The posting doesn't mention Kafka.' and, `with_facts`, what it says about the stack."""
    names = f" {phrase('and', lang)} ".join(found.names)
    sections = [Section(phrase("not_mentioned", lang, names=names))]
    if found.topic is not None and with_facts:
        topic = posting.topic(found.topic)
        facts = topic.facts[:MAX_NEARBY]
        if facts:
            sections.append(Section(phrase("what_it_says", lang, title=_title(topic, lang))))
            sections += _facts(posting, topic, facts, lang)
    return sections


def _facts(
    posting: Posting, topic: Topic, facts: list[Fact] | tuple[Fact, ...], lang: str
) -> list[Section]:
    sections = []
    missing = False
    for fact in facts:
        body = posting.fact_text(topic.id, fact.id, lang)
        if body is None:  # a value the admin has not filled in yet: never a placeholder
            missing = True
            continue
        quote = (
            phrase("quote", lang, quote=fact.quote)
            if fact.quote is not None
            else phrase("admin_fact", lang)
        )
        sections.append(Section(f"• {body}", quote=quote))
    if missing:
        sections.append(Section(phrase("missing_value", lang)))
    return sections


def _title(topic: Topic, lang: str) -> str:
    title = topic.text(lang).title
    return title[0].lower() + title[1:] if lang == "en" and title[1:2].islower() else title

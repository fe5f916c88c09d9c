"""Pydantic models of the knowledge files. They define what an admin may write."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
Lang = Literal["en", "fr", "es"]

# Telegram refuses messages over 4096 characters.
MAX_ANSWER_CHARS = 4096

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Answer = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER_CHARS)
]
TopicId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$", max_length=40)
]
FactName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)]
Quote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400)]
FactBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
# What a specific named in a question is: it sends the question to the topic that covers it.
Kind = Literal["technology", "concept", "practice", "place", "benefit", "figure"]


def is_smalltalk(topic_id: str) -> bool:
    """Small talk (greeting, thanks...) rather than a fact about the job."""
    return topic_id.startswith("smalltalk.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicText(_Strict):
    """One language of a topic: what the candidate sees and how they ask for it.

    A job topic's answer is its facts; `answer` is for small talk, which states none.
    `intro` heads the facts when the whole topic is shown."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    answer: Answer | None = None
    intro: Line | None = None
    examples: tuple[Line, ...] = Field(min_length=1)
    keywords: tuple[Line, ...] = ()


class FactText(_Strict):
    """One language of a fact: the sentence shown, and questions that ask for it alone."""

    text: FactBody
    examples: tuple[Line, ...] = ()


class Fact(_Strict):
    """One thing the posting (or an admin) states, with the posting's own words behind it."""

    id: EntryId
    quote: Quote | None = None
    source: Literal["posting", "admin"] = "posting"
    owner: Line | None = None
    en: FactText
    fr: FactText
    es: FactText

    @model_validator(mode="after")
    def _sourced(self) -> Fact:
        if self.source == "posting" and self.quote is None:
            raise ValueError("a fact from the posting needs 'quote:', the posting's exact words")
        if self.source == "admin" and self.owner is None:
            raise ValueError("a fact with 'source: admin' needs 'owner:', who vouches for it")
        return self

    def text(self, lang: str) -> FactText:
        return getattr(self, lang) if lang in LANGUAGES else self.en


class NotStatedText(_Strict):
    """`text` completes "The posting doesn't say …": "whether there is live coding"."""

    text: Line
    examples: tuple[Line, ...] = Field(min_length=1)


class NotStated(_Strict):
    """Something candidates ask that the posting does not say: a known unknown."""

    id: EntryId
    # Facts of the same topic worth showing beside it ("what it does say").
    nearby: tuple[EntryId, ...] = ()
    en: NotStatedText
    fr: NotStatedText
    es: NotStatedText

    def text(self, lang: str) -> NotStatedText:
        return getattr(self, lang) if lang in LANGUAGES else self.en


class Topic(_Strict):
    """A question candidates ask, answered in every supported language."""

    id: TopicId
    owner: Line
    last_reviewed: date
    related: tuple[TopicId, ...] = Field(default=(), max_length=3)
    keywords: tuple[Line, ...] = ()
    # Named specifics this topic answers for ("Kafka" -> the stack, "Berlin" -> locations).
    covers: tuple[Kind, ...] = ()
    en: TopicText
    fr: TopicText
    es: TopicText
    facts: tuple[Fact, ...] = ()
    not_stated: tuple[NotStated, ...] = ()

    @model_validator(mode="after")
    def _answerable(self) -> Topic:
        for lang in LANGUAGES:
            has_answer = self.text(lang).answer is not None
            if self.facts and has_answer:
                raise ValueError(f"{lang}.answer: a topic with facts is answered by its facts")
            if not self.facts and not has_answer:
                raise ValueError(f"{lang}: a topic needs 'facts:' or an 'answer:'")
        ids = [f.id for f in self.facts] + [e.id for e in self.not_stated]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate fact or not_stated id in {sorted(ids)}")
        facts = {f.id for f in self.facts}
        for entry in self.not_stated:
            unknown = [n for n in entry.nearby if n not in facts]
            if unknown:
                raise ValueError(f"not_stated {entry.id!r}: nearby names unknown facts {unknown}")
        return self

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def unknown(self, entry_id: str) -> NotStated:
        return next(e for e in self.not_stated if e.id == entry_id)

    def text(self, lang: str) -> TopicText:
        """The block for `lang`, English for any unsupported language."""
        return getattr(self, lang) if lang in LANGUAGES else self.en

    @property
    def is_smalltalk(self) -> bool:
        return is_smalltalk(self.id)


class Localized(_Strict):
    en: Line
    fr: Line
    es: Line


class Probes(_Strict):
    en: tuple[Line, ...] = ()
    fr: tuple[Line, ...] = ()
    es: tuple[Line, ...] = ()


class OutOfScope(Probes):
    """Questions the bot must not answer from any topic: probes for the matcher.

    `customer_service` holds questions about the company's products and orders, which
    get a pointer to customer support rather than the plain fallback."""

    customer_service: Probes = Probes()


class CompanyFile(_Strict):
    """`company.yaml`: facts every posting of the company shares."""

    company: Line
    # The posting text the company's facts quote, relative to the knowledge folder's parent.
    source: Line | None = None
    topics: tuple[Topic, ...] = ()
    out_of_scope: OutOfScope = OutOfScope()


class PostingInfo(_Strict):
    slug: Slug
    company: Line
    title: Localized
    source: Line | None = None
    default: bool = False


class PostingFile(_Strict):
    """`postings/<slug>.yaml`: a posting's own topics, adding to or overriding the company's."""

    posting: PostingInfo
    facts: dict[FactName, Line | None] = {}
    topics: tuple[Topic, ...] = ()
    out_of_scope: OutOfScope = OutOfScope()

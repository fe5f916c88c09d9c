"""Pydantic models of the knowledge files. They define what an admin may write."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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


def is_smalltalk(topic_id: str) -> bool:
    """Small talk (greeting, thanks...) rather than a fact about the job."""
    return topic_id.startswith("smalltalk.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicText(_Strict):
    """One language of a topic: what the candidate sees and how they ask for it."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    answer: Answer
    examples: tuple[Line, ...] = Field(min_length=1)
    keywords: tuple[Line, ...] = ()


class Topic(_Strict):
    """A question candidates ask, answered in every supported language."""

    id: TopicId
    owner: Line
    last_reviewed: date
    related: tuple[TopicId, ...] = Field(default=(), max_length=3)
    keywords: tuple[Line, ...] = ()
    en: TopicText
    fr: TopicText
    es: TopicText

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


class OutOfScope(_Strict):
    """Questions the bot must not answer from any topic: probes for the matcher."""

    en: tuple[Line, ...] = ()
    fr: tuple[Line, ...] = ()
    es: tuple[Line, ...] = ()


class CompanyFile(_Strict):
    """`company.yaml`: facts every posting of the company shares."""

    company: Line
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

"""Which of a topic's facts, or which known unknown, a question asks about.

The posting matcher finds the topic; this scores the question again against the
topic's own parts: its general examples (the topic as a whole), each fact's
examples and each `not_stated` entry's. A question that asks for one part gets that
part; a broad one ("how does the interview work?") gets the whole topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import LANGUAGES, Posting, Topic
from bot.core.matcher import Matcher, Unit, keywords_of

WHOLE = "*"
_UNKNOWN = "?"
# A fact is asked for when it scores at least _FLOOR and no less than the whole topic's
# score plus _LEAD (negative: the whole topic shares the fact's words, and a specific
# question deserves the specific fact). A known unknown must beat the whole topic by
# _UNKNOWN_LEAD: a broad question must not read "The posting doesn't say ...".
# Chosen on tests/data/devset.tsv (README, "Quality").
_FLOOR = 0.20
_LEAD = -0.30
_UNKNOWN_LEAD = 0.0
# Parts within this of the best are asked for too: "how long is the tech interview and
# who is the first call with?".
_BAND = 0.15
MAX_PICKED = 3


@dataclass(frozen=True, slots=True)
class Pick:
    """What to answer of one topic: some facts, some known unknowns, or everything."""

    topic: str
    facts: tuple[str, ...] = ()
    unknowns: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        return not self.facts and not self.unknowns

    def merged(self, other: Pick) -> Pick:
        """Both picks of one topic: a whole-topic pick absorbs nothing and wins nothing."""
        if self.whole or other.whole:
            return self if other.whole else other
        facts = tuple(dict.fromkeys((*self.facts, *other.facts)))
        unknowns = tuple(dict.fromkeys((*self.unknowns, *other.unknowns)))
        return Pick(self.topic, facts, unknowns)


class FactPicker:
    """One small matcher per topic that has facts or known unknowns."""

    def __init__(self, posting: Posting) -> None:
        keywords = keywords_of(posting)
        self._matchers = {
            topic.id: Matcher(_units(topic), {}, keywords)
            for topic in posting.topics
            if topic.facts or topic.not_stated
        }

    def pick(self, topic_id: str, question: str) -> Pick:
        """The parts of `topic_id` that `question` asks about."""
        matcher = self._matchers.get(topic_id)
        if matcher is None:
            return Pick(topic_id)
        match = matcher.match(question)
        whole = match.score_of(WHOLE)
        parts = [
            c
            for c in match.ranked
            if c.topic_id != WHOLE
            and c.score
            >= max(_FLOOR, whole + (_UNKNOWN_LEAD if _is_unknown(c.topic_id) else _LEAD))
        ]
        if not parts:
            return Pick(topic_id)
        chosen = [c.topic_id for c in parts if c.score >= parts[0].score - _BAND][:MAX_PICKED]
        facts = tuple(c for c in chosen if not c.startswith(_UNKNOWN))
        unknowns = tuple(c[1:] for c in chosen if c.startswith(_UNKNOWN))
        return Pick(topic_id, facts, unknowns)


def _is_unknown(key: str) -> bool:
    return key.startswith(_UNKNOWN)


def _units(topic: Topic) -> list[Unit]:
    whole = Unit(
        WHOLE,
        {lang: topic.text(lang).examples for lang in LANGUAGES},
        {lang: (topic.text(lang).title,) for lang in LANGUAGES},
    )
    facts = [
        Unit(f.id, {lang: f.text(lang).examples for lang in LANGUAGES}, {})
        for f in topic.facts
        if any(f.text(lang).examples for lang in LANGUAGES)
    ]
    unknowns = [
        Unit(_UNKNOWN + n.id, {lang: n.text(lang).examples for lang in LANGUAGES}, {})
        for n in topic.not_stated
    ]
    return [whole, *facts, *unknowns]

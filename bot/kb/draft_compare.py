"""How much of a curated posting file a draft gets right, topic by topic.

A curated answer's *key facts* are the things a candidate would check: numbers,
technologies, cities, languages, country lists ("US/FR/ES/JP"), quoted phrases and
proper names (two or more capitalised words, "Ana Gloria"), each kept only if the
posting itself contains it (a curated summary such as "5 steps" is the admin's, not
the posting's). A key fact is found when the draft's answer for the same topic id,
in the same language, contains it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.kb import posting_lexicon as lex
from bot.kb.posting_text import normalise

NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])")
QUOTED = re.compile(r"[\"“«]\s*([^\"”»]{3,80}?)\s*[\"”»]")
PROPER_NAME = re.compile(r"\b[A-Z][\w’'-]+(?: (?:of )?[A-Z][\w’'-]+)+")
COUNTRY_LIST = re.compile(r"\b[A-Z]{2}(?:/[A-Z]{2})+\b")


@dataclass(frozen=True, slots=True)
class TopicComparison:
    topic_id: str
    drafted: bool
    key_facts: tuple[str, ...]
    found: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    topics: tuple[TopicComparison, ...]

    @property
    def topics_drafted(self) -> int:
        return sum(t.drafted for t in self.topics)

    @property
    def facts_total(self) -> int:
        return sum(len(t.key_facts) for t in self.topics)

    @property
    def facts_found(self) -> int:
        return sum(len(t.found) for t in self.topics)

    @property
    def fact_share(self) -> float:
        return self.facts_found / self.facts_total if self.facts_total else 1.0

    def report(self) -> str:
        rows = [f"{'topic':<20} drafted  key facts found  missing"]
        for t in self.topics:
            missing = [f for f in t.key_facts if f not in t.found]
            rows.append(
                f"{t.topic_id:<20} {'yes' if t.drafted else 'no':<8} "
                f"{len(t.found):>5} / {len(t.key_facts):<5}    {', '.join(missing) or '-'}"
            )
        rows.append(
            f"curated topics drafted: {self.topics_drafted}/{len(self.topics)}; "
            f"key facts found: {self.facts_found}/{self.facts_total} ({self.fact_share:.0%})"
        )
        return "\n".join(rows)


def key_facts(answer: str, posting_text: str) -> tuple[str, ...]:
    """The checkable facts of `answer` that the posting itself states."""
    posting = normalise(posting_text)
    posting_numbers = set(NUMBER.findall(posting_text))
    facts: list[str] = [n for n in NUMBER.findall(answer) if n in posting_numbers]
    for table in (lex.TECH, lex.CITIES, lex.LANGUAGE_NAMES):
        facts += [
            name
            for name, pattern in table.items()
            if re.search(pattern, answer, re.IGNORECASE)
            and re.search(pattern, posting_text, re.IGNORECASE)
        ]
    facts += COUNTRY_LIST.findall(answer)
    facts += [q for q in QUOTED.findall(answer) if normalise(q) in posting]
    facts += [
        name
        for name in PROPER_NAME.findall(answer)
        if normalise(name) in posting and not _is_known(name)
    ]
    return tuple(dict.fromkeys(facts))


def compare(draft: Mapping[str, str], curated: Mapping[str, str], posting_text: str) -> Comparison:
    """Compare answers by topic id: `draft` and `curated` map a topic id to its answer."""
    topics = []
    for topic_id, answer in curated.items():
        facts = key_facts(answer, posting_text)
        drafted = draft.get(topic_id)
        found = tuple(f for f in facts if drafted is not None and _contains(drafted, f))
        topics.append(TopicComparison(topic_id, drafted is not None, facts, found))
    return Comparison(tuple(topics))


def _contains(answer: str, fact: str) -> bool:
    for table in (lex.TECH, lex.CITIES, lex.LANGUAGE_NAMES):
        if fact in table:
            return re.search(table[fact], answer, re.IGNORECASE) is not None
    if NUMBER.fullmatch(fact):
        return fact in NUMBER.findall(answer)  # "2" is in "2h", "30" in "30mns"
    return normalise(fact) in normalise(answer)


def _is_known(name: str) -> bool:
    """A name already counted as a technology, city or language."""
    return any(
        re.fullmatch(pattern, name, re.IGNORECASE)
        for table in (lex.TECH, lex.CITIES, lex.LANGUAGE_NAMES)
        for pattern in table.values()
    )

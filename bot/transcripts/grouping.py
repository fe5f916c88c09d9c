"""Group near-duplicate questions, so "do you sponsor visas?" asked ten ways is one row.

Questions are normalised with `bot.core.text.words` (case, accents, punctuation
and one-letter words go), identical normal forms are merged, and the rest are
grouped greedily: the most frequent form seeds a group, and each next form
joins the seed it matches best if rapidfuzz's `token_set_ratio` is at least
THRESHOLD, else it seeds a new group. Comparing with seeds only, never with
every member, keeps a chain of small differences from drifting into one group.

Why token_set_ratio at 80: it ignores word order and repeated words, and a
question that only adds words to another ("is there a gym" / "is there a gym
at the office") scores 100. Measured on typical pairs: typos and plurals score
85-97 ("do you sponser visas"), different questions that share a frame score
45-75 ("what are the benefits" / "what are the working hours": 73). The cost:
a very short question made only of common words can join a longer one that
contains them ("what is it" / "what is it about visas").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.text import clean, words
from bot.store.queries import AskedQuestion

THRESHOLD = 80.0


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Near-duplicate questions, with the most common wording as the example."""

    example: str
    count: int
    wordings: tuple[str, ...]  # distinct wordings, most frequent first
    languages: tuple[str, ...]  # most frequent first
    last_asked: str
    conversations: tuple[str, ...]  # newest first

    def as_json(self) -> dict[str, object]:
        return {
            "count": self.count,
            "example": self.example,
            "wordings": list(self.wordings),
            "languages": list(self.languages),
            "last_asked": self.last_asked,
            "conversations": list(self.conversations),
        }


def normal_form(text: str) -> str:
    """What grouping compares: folded words, or the cleaned text if it has none ("???")."""
    return " ".join(words(text)) or clean(text).casefold()


def group_questions(
    questions: Iterable[AskedQuestion], threshold: float = THRESHOLD
) -> list[QuestionGroup]:
    """Groups of near duplicates, the most asked first (then the most recent)."""
    by_form: dict[str, list[AskedQuestion]] = {}
    for question in questions:
        if clean(question.text):
            by_form.setdefault(normal_form(question.text), []).append(question)
    seeds: list[str] = []
    groups: list[list[AskedQuestion]] = []
    for form, asked in sorted(by_form.items(), key=lambda item: (-len(item[1]), item[0])):
        best = (
            process.extractOne(form, seeds, scorer=fuzz.token_set_ratio, score_cutoff=threshold)
            if words(form)
            else None
        )
        if best is None:
            seeds.append(form)
            groups.append(list(asked))
        else:
            groups[best[2]].extend(asked)
    built = [_summarise(members) for members in groups]
    return sorted(built, key=lambda g: (g.count, g.last_asked), reverse=True)


def _summarise(members: list[AskedQuestion]) -> QuestionGroup:
    newest_first = sorted(members, key=lambda q: q.at, reverse=True)
    wordings = Counter(clean(q.text) for q in newest_first)  # ties: the most recent first
    languages = Counter(q.lang or "unknown" for q in newest_first)
    conversations = dict.fromkeys(q.conversation for q in newest_first)
    ordered = [w for w, _ in wordings.most_common()]
    return QuestionGroup(
        example=ordered[0],
        count=len(members),
        wordings=tuple(ordered),
        languages=tuple(lang for lang, _ in languages.most_common()),
        last_asked=newest_first[0].at,
        conversations=tuple(conversations),
    )

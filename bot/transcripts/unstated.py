"""What candidates asked that the posting doesn't say, most asked first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.core.dialogue import Responder
from bot.store.queries import UnstatedQuestion

MENTION = "mention:"


@dataclass(frozen=True, slots=True)
class Unknown:
    """One thing the posting doesn't say, and the questions that asked for it."""

    key: str  # "remote-work/fully-remote", or "mention:Kafka"
    questions: tuple[UnstatedQuestion, ...]

    @property
    def count(self) -> int:
        return len(self.questions)


def by_unknown(asked: list[UnstatedQuestion]) -> list[Unknown]:
    """The questions grouped by what they asked, most asked first; names case-folded."""
    groups: dict[str, list[UnstatedQuestion]] = defaultdict(list)
    for question in asked:
        for key in dict.fromkeys(_normal(k) for k in question.unknowns):
            groups[key].append(question)
    found = [Unknown(key, tuple(qs)) for key, qs in groups.items()]
    return sorted(found, key=lambda u: (-u.count, u.key))


def label(key: str, responder: Responder | None) -> str:
    """A recruiter's reading of a key: "not stated: whether there is live coding"."""
    if key.startswith(MENTION):
        return f"names {key[len(MENTION) :]}, which the posting never mentions"
    topic, _, entry = key.partition("/")
    if responder is not None:
        for posting in responder.knowledge.postings.values():
            if posting.has_topic(topic):
                found = [e for e in posting.topic(topic).not_stated if e.id == entry]
                if found:
                    return f"{topic}: {found[0].en.text}"
    return key


def _normal(key: str) -> str:
    return f"{MENTION}{key[len(MENTION) :].casefold()}" if key.startswith(MENTION) else key

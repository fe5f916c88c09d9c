"""Turn what a posting states into draft topics for an admin to curate.

Every answer is the draft's own framing (`bot.kb.draft_templates`) around the
posting's lines, quoted as they are. Each answer starts with a `TO REVIEW` marker:
"(check)" in the posting's language, where an admin must confirm the lines say what
the topic claims; "(translate)" in the other languages, where the quoted lines are
still in the posting's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.knowledge.schema import LANGUAGES
from bot.kb import draft_templates as tpl
from bot.kb.posting_text import PostingFacts

MARKER = "TO REVIEW"
CHECK = f"{MARKER} (check): "
TRANSLATE = f"{MARKER} (translate): "
OWNER = "to-review"
# Room left under Telegram's 4096 characters for a translation longer than the original.
MAX_QUOTED_CHARS = 2400
MAX_EXAMPLES = 15

# Topics every draft has: when the posting is silent the answer says so.
ALWAYS = (
    "role",
    "requirements",
    "tech-stack",
    "remote-work",
    "locations",
    "language",
    "salary",
    "interview-process",
    "apply",
)
# Topics drafted only when the posting has something to quote. Contract and benefits
# questions a posting is silent on are better left to the out-of-scope fallback (the
# shipped company.yaml lists them as probes), which says the same and offers a recruiter.
WHEN_STATED = ("architecture", "ways-of-working", "career-growth", "contract", "benefits")
# Company-wide topics, drafted when company.yaml is another company's (or absent).
COMPANY_LEVEL = ("company", "engineering-org")
ORDER = (
    "role",
    "requirements",
    "tech-stack",
    "architecture",
    "ways-of-working",
    "career-growth",
    "remote-work",
    "locations",
    "language",
    "salary",
    "contract",
    "benefits",
    "interview-process",
    "apply",
    "company",
    "engineering-org",
)


@dataclass(frozen=True, slots=True)
class DraftTopic:
    """One topic as it will be written: plain data in the posting file's shape."""

    id: str
    quoted: tuple[str, ...]
    related: tuple[str, ...]
    keywords: tuple[str, ...]
    texts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def as_yaml_data(self, today: date) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "owner": OWNER, "last_reviewed": today}
        if self.related:
            data["related"] = list(self.related)
        if self.keywords:
            data["keywords"] = list(self.keywords)
        for lang in LANGUAGES:
            data[lang] = dict(self.texts[lang])
        return data


def build_topics(
    facts: PostingFacts,
    company: str,
    company_topics: Iterable[str] = (),
    include_company_level: bool = False,
    needed: Iterable[str] = (),
) -> tuple[DraftTopic, ...]:
    """Draft topics in a stable order.

    `company_topics` are ids `related` may point to; `needed` are ids company.yaml's
    topics relate to, which the posting must define (silent if need be) to load.
    """
    needed = set(needed)
    wanted = [
        topic_id
        for topic_id in ORDER
        if topic_id in ALWAYS
        or topic_id in needed
        or (topic_id in WHEN_STATED and _quotes(facts, topic_id))
        or (topic_id in COMPANY_LEVEL and include_company_level)
    ]
    reachable = set(wanted) | set(company_topics)
    return tuple(_topic(facts, topic_id, company, reachable) for topic_id in wanted)


def marker_count(topics: Iterable[DraftTopic]) -> int:
    """How many `TO REVIEW` markers the titles, answers and examples hold."""
    count = 0
    for topic in topics:
        for lang in LANGUAGES:
            text = topic.texts[lang]
            strings = [text["title"], text["answer"], *text["examples"]]
            count += sum(s.count(MARKER) for s in strings)
    return count


def _topic(facts: PostingFacts, topic_id: str, company: str, reachable: set[str]) -> DraftTopic:
    quoted = _fit(_quotes(facts, topic_id))
    texts = {
        lang: {
            "title": tpl.TITLES[topic_id][lang].format(company=company)[:60],
            "answer": _answer(facts, topic_id, quoted, lang, company),
            "examples": _examples(facts, topic_id, lang, company),
            "keywords": list(tpl.KEYWORDS[topic_id][lang]),
        }
        for lang in LANGUAGES
    }
    related = tuple(r for r in tpl.RELATED[topic_id] if r in reachable and r != topic_id)[:3]
    return DraftTopic(topic_id, quoted, related, _keywords(facts, topic_id, company), texts)


def _quotes(facts: PostingFacts, topic_id: str) -> tuple[str, ...]:
    if topic_id == "requirements":
        experience = facts.quoted("experience")[:2]
        return tuple(dict.fromkeys((*facts.quoted("requirements"), *experience)))
    return facts.quoted(topic_id)


def _fit(quotes: Sequence[str]) -> tuple[str, ...]:
    """The first quotes that fit in MAX_QUOTED_CHARS (at least one, cut if need be)."""
    kept: list[str] = []
    total = 0
    for quote in quotes:
        if kept and total + len(quote) > MAX_QUOTED_CHARS:
            break
        kept.append(quote[:MAX_QUOTED_CHARS])
        total += len(quote)
    return tuple(kept)


def _answer(
    facts: PostingFacts, topic_id: str, quoted: tuple[str, ...], lang: str, company: str
) -> str:
    prefix = CHECK if lang == facts.lang else TRANSLATE
    lines = [_intro(facts, topic_id, quoted, lang, company)] if quoted else []
    lines.extend(f"- {_literal(q)}" for q in quoted)
    if topic_id == "apply":
        lines = [tpl.INTRO["apply"][lang].format(), *lines[1:], tpl.SILENT["apply"][lang]]
    elif not quoted:
        lines.append(f"{tpl.SILENT[topic_id][lang]} {tpl.RECRUITER[lang]}")
    else:
        lines.append(tpl.RECRUITER[lang])
    answer = "\n".join(lines)
    # Nothing to translate: only the draft's own words, already in every language.
    needs_translation = any(re.search(r"\w", q) for q in quoted)
    if lang != facts.lang and not needs_translation:
        prefix = CHECK
    return prefix + answer


def _intro(
    facts: PostingFacts, topic_id: str, quoted: tuple[str, ...], lang: str, company: str
) -> str:
    key = topic_id
    if topic_id == "locations" and not facts.workplace_lines:
        key = "locations.mentions"
    elif topic_id == "salary" and not facts.salary.stated:
        key = "salary.silent-quote"
    return tpl.INTRO[key][lang].format(n=len(quoted), company=_literal(company))


def _examples(facts: PostingFacts, topic_id: str, lang: str, company: str) -> list[str]:
    base = [e.format(company=company.lower()) for e in tpl.EXAMPLES[topic_id][lang]]
    items: Sequence[str] = ()
    if topic_id == "tech-stack":
        items = facts.stack[:4]
    elif topic_id == "locations":
        items = (facts.locations or facts.mentioned_places)[:2]
    template = tpl.ITEM_EXAMPLES.get(topic_id, {}).get(lang)
    extra = [template.format(item=item) for item in items] if template else []
    return list(dict.fromkeys([*base, *extra]))[:MAX_EXAMPLES]


def _keywords(facts: PostingFacts, topic_id: str, company: str) -> tuple[str, ...]:
    """Language-neutral keywords: the names the posting itself uses."""
    names: Sequence[str] = ()
    if topic_id == "tech-stack":
        names = facts.stack
    elif topic_id == "locations":
        names = (*facts.locations, *facts.mentioned_places)
    elif topic_id == "company":
        names = (company,)
    return tuple(dict.fromkeys(n.lower() for n in names))


def _literal(text: str) -> str:
    """Posting text inside an answer template: braces are not fact placeholders."""
    return text.replace("{", "{{").replace("}", "}}")

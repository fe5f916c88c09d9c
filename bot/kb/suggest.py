"""`python -m bot kb suggest`: YAML snippets the transcripts suggest for the knowledge base.

Nothing here changes a knowledge file: the command prints snippets for an admin
to review and paste.

- **New examples for existing topics**, from "did you mean" choices (the question
  and the topic the candidate then picked) and from near misses: fallbacks and
  unchosen clarifies whose best topic, scored with the current knowledge base,
  comes within NEAR_MISS of the answer threshold, beats the out-of-scope probes,
  and whose words the knowledge base mostly knows. Questions the current
  knowledge base now answers are left out, and so are questions already among
  the topic's examples.
- **Answers that got 👎** are listed under the topic they got as commented-out
  lines, for review: the answer may be wrong, or the question may belong to
  another topic. Pasting them as examples would teach the matcher the mistake.
- **Candidate new topics**: the fallbacks with no topic close, near duplicates
  grouped, most asked first, as a topic whose titles and answers are `TO REVIEW`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import LANGUAGES, Posting, is_smalltalk, load_knowledge
from bot.core.text import MAX_MATCH_CHARS, clean
from bot.kb.transcript_args import friendly, period_since, transcript_arguments
from bot.settings import Settings
from bot.store.connections import reading
from bot.store.evidence import ANSWER, CLARIFY, FALLBACK, NOT_STATED, Asked, questions
from bot.store.periods import Period, today
from bot.store.queries import AskedQuestion, UnstatedQuestion, is_unknown_key
from bot.transcripts.grouping import QuestionGroup, group_questions, normal_form
from bot.transcripts.unstated import Unknown, by_unknown, label

# A fallback or unchosen clarify whose best topic scores at least the answer threshold
# minus NEAR_MISS is a near miss: a new example would likely tip it into an answer...
NEAR_MISS = 0.08
# ...provided the knowledge base knows most of its words. A question whose key words
# it has never seen ("do you sponsor visas") is about something else, however well its
# function words match a topic ("do you use python"): a new topic, not a near miss.
MIN_KNOWN_SHARE = 0.6
TO_REVIEW = "TO REVIEW"  # the marker `kb check` treats as unfilled
NEW_TOPIC_ID = "new-topic-{n}"


class Source(StrEnum):
    CLARIFY = "clarify"  # picked after "did you mean"
    NEAR_MISS = "near_miss"
    UNHELPFUL = "unhelpful"  # answered with this topic, voted 👎


@dataclass(frozen=True, slots=True)
class Evidence:
    """One question that says something about one topic."""

    asked: Asked
    topic: str
    lang: str
    source: Source
    score: float | None = None  # the topic's score now, for a near miss


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A fallback with no topic close; `out_of_scope` is how well the probes match it."""

    asked: Asked
    lang: str
    out_of_scope: float


@dataclass(frozen=True, slots=True)
class Proposal:
    """Near-duplicate questions proposed as one example (or one line to review)."""

    text: str
    lang: str
    count: int
    sources: dict[str, int]
    wordings: tuple[str, ...]
    score: float | None  # best near-miss score, if any

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "lang": self.lang,
            "count": self.count,
            "sources": self.sources,
            "wordings": list(self.wordings),
            "near_miss_score": self.score,
        }


@dataclass(frozen=True, slots=True)
class TopicSuggestion:
    topic: str
    examples: tuple[Proposal, ...]  # to paste
    review: tuple[Proposal, ...]  # answered but unhelpful

    @property
    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for proposal in (*self.examples, *self.review):
            total.update(proposal.sources)
        return {source.value: total[source.value] for source in Source if total[source.value]}

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class NewTopic:
    id: str
    count: int
    wordings: dict[str, tuple[str, ...]]  # per language, most asked first
    languages: tuple[str, ...]
    last_asked: str
    out_of_scope: float  # the best out-of-scope probe score among its questions


@dataclass(frozen=True, slots=True)
class Suggestions:
    period: Period
    posting: str | None
    questions: int
    skipped_postings: tuple[str, ...]
    topics: tuple[TopicSuggestion, ...]
    new_topics: tuple[NewTopic, ...]
    thresholds: dict[str, float] = field(default_factory=dict)
    # What candidates asked that the posting doesn't say, most asked first.
    unknowns: tuple[Unknown, ...] = ()


# -- analysis (pure, given the questions and a responder) ----------------------------------


def classify(
    asked: Iterable[Asked], responder: Responder
) -> tuple[list[Evidence], list[Unmatched], set[str]]:
    """Sort questions into evidence for topics and unanswered questions; also returns the
    postings of the transcripts that the knowledge base no longer has."""
    thresholds = responder.thresholds
    evidence: list[Evidence] = []
    unanswered: list[Unmatched] = []
    unknown: set[str] = set()
    for item in asked:
        if item.posting not in responder.knowledge.postings:
            unknown.add(item.posting)
            continue
        posting = responder.knowledge.posting(item.posting)
        now = responder.reply(item.text, item.posting, item.lang)
        lang = item.lang if item.lang in LANGUAGES else now.lang
        if lang not in LANGUAGES:
            continue  # a German question is no example for an en/fr/es block
        if item.outcome == NOT_STATED:
            continue  # the bot said so; these are counted as unknowns, not as misses
        if item.outcome == ANSWER:
            if item.helpful is False and len(item.topics) == 1 and _job(posting, item.topics[0]):
                evidence.append(Evidence(item, item.topics[0], lang, Source.UNHELPFUL))
            continue
        if item.outcome == CLARIFY and item.chosen:
            if _job(posting, item.chosen):
                evidence.append(Evidence(item, item.chosen, lang, Source.CLARIFY))
            continue
        if now.outcome in (Outcome.ANSWER, Outcome.NOT_STATED):
            continue  # the knowledge base answers it now, or says the posting is silent
        match = responder.matcher(item.posting).match(clean(item.text)[:MAX_MATCH_CHARS])
        best = match.best
        if (
            best is not None
            and best.score >= thresholds.answer - NEAR_MISS
            and match.out_of_scope < best.score
            and match.known_share.get(best.lang, 0.0) >= MIN_KNOWN_SHARE
            and _job(posting, best.topic_id)
            and not (item.rejected and best.topic_id in item.topics)
        ):
            evidence.append(Evidence(item, best.topic_id, lang, Source.NEAR_MISS, best.score))
        elif item.outcome == FALLBACK or item.rejected:
            unanswered.append(Unmatched(item, lang, match.out_of_scope))
    return evidence, unanswered, unknown


def _job(posting: Posting, topic: str) -> bool:
    """A job topic this posting still has: small talk gets no new examples from here."""
    return posting.has_topic(topic) and not is_smalltalk(topic)


def topic_suggestions(
    evidence: Sequence[Evidence], responder: Responder, min_count: int = 1
) -> list[TopicSuggestion]:
    """Per topic, the proposed examples and the lines to review, most evidence first."""
    by_topic: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_topic[item.topic].append(item)
    found: list[TopicSuggestion] = []
    for topic, items in by_topic.items():
        known = _known_examples(responder, topic, {i.asked.posting for i in items})
        fresh = [
            i
            for i in items
            if i.source is Source.UNHELPFUL or normal_form(i.asked.text) not in known
        ]
        examples = _proposals([i for i in fresh if i.source is not Source.UNHELPFUL], min_count)
        review = _proposals([i for i in fresh if i.source is Source.UNHELPFUL], min_count)
        if examples or review:
            found.append(TopicSuggestion(topic, tuple(examples), tuple(review)))
    return sorted(found, key=lambda s: (-s.total, s.topic))


def _known_examples(responder: Responder, topic: str, postings: set[str]) -> set[str]:
    """The normal forms of the topic's examples in every language of these postings."""
    known: set[str] = set()
    for slug in postings:
        posting = responder.knowledge.posting(slug)
        if posting.has_topic(topic):
            for lang in LANGUAGES:
                known.update(normal_form(e) for e in posting.topic(topic).text(lang).examples)
    return known


def _proposals(items: Sequence[Evidence], min_count: int) -> list[Proposal]:
    by_lang: dict[str, list[Evidence]] = defaultdict(list)
    for item in items:
        by_lang[item.lang].append(item)
    proposals: list[Proposal] = []
    for lang in sorted(by_lang, key=_lang_order):
        members = by_lang[lang]
        for group in group_questions(_as_asked(i.asked for i in members)):
            if group.count < min_count:
                continue
            wordings = set(group.wordings)
            inside = [i for i in members if clean(i.asked.text) in wordings]
            scores = [i.score for i in inside if i.score is not None]
            proposals.append(
                Proposal(
                    text=group.example,
                    lang=lang,
                    count=group.count,
                    sources=dict(Counter(i.source.value for i in inside).most_common()),
                    wordings=group.wordings,
                    score=max(scores) if scores else None,
                )
            )
    return proposals


def new_topics(unanswered: Sequence[Unmatched], min_count: int = 1) -> list[NewTopic]:
    """Clusters of unanswered questions as candidate topics, most asked first."""
    lang_of: dict[str, Counter[str]] = defaultdict(Counter)
    oos_of: dict[str, float] = {}
    for item in unanswered:
        text = clean(item.asked.text)
        lang_of[text][item.lang] += 1
        oos_of[text] = max(oos_of.get(text, 0.0), item.out_of_scope)
    groups = group_questions(_as_asked(i.asked for i in unanswered))
    found: list[NewTopic] = []
    for group in (g for g in groups if g.count >= min_count):
        per_lang: dict[str, list[str]] = defaultdict(list)
        for wording in group.wordings:
            per_lang[lang_of[wording].most_common(1)[0][0]].append(wording)
        found.append(
            NewTopic(
                id=NEW_TOPIC_ID.format(n=len(found) + 1),
                count=group.count,
                wordings={lang: tuple(per_lang[lang]) for lang in LANGUAGES if lang in per_lang},
                languages=_languages(group, unanswered),
                last_asked=group.last_asked,
                out_of_scope=max(oos_of[w] for w in group.wordings),
            )
        )
    return found


def _languages(group: QuestionGroup, unanswered: Sequence[Unmatched]) -> tuple[str, ...]:
    wordings = set(group.wordings)
    counts = Counter(i.lang for i in unanswered if clean(i.asked.text) in wordings)
    return tuple(lang for lang, _ in counts.most_common())


def _as_asked(items: Iterable[Asked]) -> list[AskedQuestion]:
    return [AskedQuestion(a.text, a.lang, a.at, a.conversation) for a in items]


def _lang_order(lang: str) -> int:
    return LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)


def suggest(
    asked: Sequence[Asked],
    responder: Responder,
    period: Period,
    posting: str | None = None,
    min_count: int = 1,
) -> Suggestions:
    evidence, unanswered, unknown = classify(asked, responder)
    return Suggestions(
        period=period,
        posting=posting,
        questions=len(asked),
        skipped_postings=tuple(sorted(unknown)),
        topics=tuple(topic_suggestions(evidence, responder, min_count)),
        new_topics=tuple(new_topics(unanswered, min_count)),
        unknowns=tuple(u for u in unknowns(asked) if u.count >= min_count),
        thresholds={
            "answer": responder.thresholds.answer,
            "near_miss": NEAR_MISS,
            "min_known_share": MIN_KNOWN_SHARE,
        },
    )


def unknowns(asked: Sequence[Asked]) -> list[Unknown]:
    """The "not stated" replies grouped by what the posting doesn't say."""
    return by_unknown(
        [
            UnstatedQuestion(
                AskedQuestion(a.text, a.lang, a.at, a.conversation),
                tuple(t for t in a.topics if is_unknown_key(t)),
            )
            for a in asked
            if a.outcome == NOT_STATED
        ]
    )


# -- YAML snippets ---------------------------------------------------------------------------


def _q(text: str) -> str:
    """A double-quoted YAML scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


_SOURCE_WORDS = {
    Source.CLARIFY.value: ("clarify choice", "clarify choices"),
    Source.NEAR_MISS.value: ("near miss", "near misses"),
    Source.UNHELPFUL.value: ("answered but unhelpful", "answered but unhelpful"),
}


def topic_yaml(suggestion: TopicSuggestion) -> str:
    """The snippet for one topic: examples to add, and unhelpful answers as comments."""
    langs = sorted({p.lang for p in (*suggestion.examples, *suggestion.review)}, key=_lang_order)
    counts = ", ".join(
        _plural(n, *_SOURCE_WORDS[source]) for source, n in suggestion.counts.items()
    )
    lines = [
        f"# topic {suggestion.topic} ({', '.join(langs)}): {counts}",
        f"- id: {suggestion.topic}",
    ]
    for lang in langs:
        examples = [p for p in suggestion.examples if p.lang == lang]
        review = [p for p in suggestion.review if p.lang == lang]
        lines.append(f"  {lang}:")
        if examples:
            lines.append("    examples:")
            lines.extend(f"      - {_q(p.text)}   # {_why(p)}" for p in examples)
        if review:
            lines.append(
                "    # answered but unhelpful: check the answer or move the example"
                + ("" if examples else " (nothing to add as is)")
            )
            lines.extend(
                f"    # - {_q(p.text)}   # 👎 ×{p.sources[Source.UNHELPFUL.value]}" for p in review
            )
    return "\n".join(lines) + "\n"


def _why(proposal: Proposal) -> str:
    parts = []
    if n := proposal.sources.get(Source.CLARIFY.value):
        parts.append(f'chosen after "did you mean" ×{n}')
    if n := proposal.sources.get(Source.NEAR_MISS.value):
        parts.append(f"near miss ×{n} (scored {proposal.score:.2f})")
    return ", ".join(parts)


def new_topic_yaml(topic: NewTopic, reviewed: date) -> str:
    """A whole topic to fill in: every title and answer `TO REVIEW`."""
    asked = _plural(topic.count, "time")
    lines = [
        f"# new topic: asked {asked} ({', '.join(topic.languages)}), last {topic.last_asked[:10]}",
    ]
    if topic.out_of_scope >= 0.5:
        lines.append(
            f"# note: an out_of_scope probe matches it ({topic.out_of_scope:.2f}); "
            "remove that probe if you add this topic"
        )
    lines += [
        f"- id: {topic.id}",
        f"  owner: {TO_REVIEW}",
        f"  last_reviewed: {reviewed.isoformat()}",
    ]
    for lang in LANGUAGES:
        wordings = topic.wordings.get(lang) or (TO_REVIEW,)
        lines += [
            f"  {lang}:",
            f"    title: {TO_REVIEW}",
            f"    answer: {TO_REVIEW}",
            "    examples:",
            *(f"      - {_q(w)}" for w in wordings),
        ]
    return "\n".join(lines) + "\n"


def as_json(found: Suggestions, reviewed: date) -> dict[str, object]:
    return {
        "since": str(found.period.since) if found.period.since else None,
        "posting": found.posting,
        "questions": found.questions,
        "thresholds": found.thresholds,
        "skipped_postings": list(found.skipped_postings),
        "topics": [
            {
                "id": s.topic,
                "counts": s.counts,
                "examples": [p.as_json() for p in s.examples],
                "review": [p.as_json() for p in s.review],
                "yaml": topic_yaml(s),
            }
            for s in found.topics
        ],
        "new_topics": [
            {
                "id": t.id,
                "count": t.count,
                "languages": list(t.languages),
                "last_asked": t.last_asked,
                "wordings": {lang: list(w) for lang, w in t.wordings.items()},
                "out_of_scope": round(t.out_of_scope, 4),
                "yaml": new_topic_yaml(t, reviewed),
            }
            for t in found.new_topics
        ],
        "unknowns": [
            {"key": u.key, "count": u.count, "questions": [q.asked.text for q in u.questions]}
            for u in found.unknowns
        ],
    }


def print_suggestions(found: Suggestions, reviewed: date) -> None:
    scope = found.period.describe() + (f", posting {found.posting}" if found.posting else "")
    print(f"{_plural(found.questions, 'question')} read ({scope}).")
    if found.skipped_postings:
        print(
            "Left out, their posting is not in the knowledge base: "
            + ", ".join(found.skipped_postings)
        )
    print("Nothing below changes the knowledge base: review, then paste into the YAML files.")
    print()
    print(f"== New examples for existing topics ({len(found.topics)}) ==")
    if not found.topics:
        print("(none)")
    for suggestion in found.topics:
        print()
        print(topic_yaml(suggestion), end="")
    print()
    print(f"== Candidate new topics ({len(found.new_topics)}), most asked first ==")
    if found.new_topics:
        print(f"(fill in every {TO_REVIEW} and pick an id; `kb check` refuses them until then)")
    else:
        print("(none)")
    for topic in found.new_topics:
        print()
        print(new_topic_yaml(topic, reviewed), end="")
    print()
    print(f"== Asked, but not in the posting ({len(found.unknowns)}), most asked first ==")
    if found.unknowns:
        print("(the bot said so; a fact with `source: admin` and `owner:` lets it answer)")
    else:
        print("(none)")
    for unknown in found.unknowns:
        texts = "; ".join(dict.fromkeys(q.asked.text for q in unknown.questions[:3]))
        print(f"  ×{unknown.count}  {label(unknown.key, None)}  e.g. {texts}")


# -- command ---------------------------------------------------------------------------------


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    about = "Propose YAML snippets (new examples, new topics) from the transcripts."
    p = sub.add_parser("suggest", help=about, description=about)
    transcript_arguments(p, settings)
    p.add_argument(
        "--min-count",
        type=_positive,
        default=1,
        metavar="N",
        help="leave out proposals asked fewer than N times (default 1)",
    )
    p.add_argument("--json", action="store_true", help="JSON for other tools")
    p.set_defaults(func=friendly(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    responder = Responder(load_knowledge(settings.knowledge, args.posting or settings.posting))
    period = period_since(args.since)
    with reading(settings.database) as db:
        asked = questions(db, period, args.posting)
    found = suggest(asked, responder, period, args.posting, args.min_count)
    reviewed = today()
    if args.json:
        print(json.dumps(as_json(found, reviewed), ensure_ascii=False, indent=2))
    else:
        print_suggestions(found, reviewed)
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)

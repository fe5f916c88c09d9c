"""The dialogue decision: answer, ask "did you mean", or fall back to a recruiter."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from bot.core import compose, scope, specifics
from bot.core.compose import Mention, Section
from bot.core.facts import FactPicker, Pick
from bot.core.knowledge import LANGUAGES, KnowledgeBase, Posting, is_smalltalk
from bot.core.language import LanguageDetector
from bot.core.matcher import CUSTOMER_SERVICE, Match, Matcher
from bot.core.phrases import phrase
from bot.core.text import MAX_MATCH_CHARS, clean, content_words, fold, words
from bot.core.vocabulary import Outcome

__all__ = ["Outcome", "Reply", "Responder", "Section", "Thresholds", "decide"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds on match scores (0..1).

    Chosen on data by `python -m bot eval --tune`; see README, "Thresholds".
    """

    answer: float = 0.52
    margin: float = 0.04
    clarify: float = 0.50
    # The out-of-scope probes win when they score at least this close to the best
    # topic, or, once the best topic scores `sure`, only when they beat it.
    out_of_scope_margin: float = 0.2
    sure: float = 0.65


DEFAULT_THRESHOLDS = Thresholds()
# The small-talk topic of a candidate asking for a person; channels hand off on it.
HUMAN_TOPIC = "smalltalk.human"
MAX_PARTS = 4
# A message longer than this many words is answered clause by clause only when the
# answered clauses hold at least _ANSWERED_SHARE of its words: one job word in a story
# or a maths problem is not a question about the job.
_LONG_MESSAGE = 20
_ANSWERED_SHARE = 0.34
# When the probes beat every topic on the whole message, a clause must beat them by this.
_PROBED_MARGIN = 0.05
MAX_SUGGESTIONS = 3
# Clauses of a two-part question: "is it remote and what's the salary?"
_PART_SEPARATORS = re.compile(
    r"[?!.;,&+\n]|\b(?:and|also|plus|et|aussi|ainsi que|y|e|tambien|ademas|asi como)\b"
)


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one question, before any text is written."""

    outcome: Outcome
    topics: tuple[str, ...]
    confidence: float
    suggestions: tuple[str, ...] = ()
    # Part of a several-part question could not be answered.
    partial: bool = False
    # Which facts or known unknowns of each answered topic (empty: whole topics).
    picks: tuple[Pick, ...] = ()
    mentions: tuple[Mention, ...] = ()
    customer_service: bool = False
    # How well the off-topic probes matched, when they matched better than any topic.
    probed: float | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply as plain data; channels turn it into messages and buttons."""

    question: str
    lang: str
    reply_lang: str
    outcome: Outcome
    topics: tuple[str, ...]
    confidence: float
    text: str
    suggestions: tuple[str, ...] = ()
    # The text in blocks, for channels that format titles; "\n\n".join of their text.
    sections: tuple[Section, ...] = ()
    # A topic shown only in part: the rest of it is one tap ("more") away.
    more: str | None = None
    # What the posting doesn't say that was asked: "remote-work/fully-remote", "mention:Kafka".
    unknowns: tuple[str, ...] = ()
    # Which facts of each answered topic the reply gives.
    picks: tuple[Pick, ...] = ()

    @property
    def topic(self) -> str | None:
        answered = self.outcome in (Outcome.ANSWER, Outcome.NOT_STATED)
        return self.topics[0] if answered and self.topics else None

    @property
    def wants_human(self) -> bool:
        """The candidate asked, in words, to talk to a person (maybe among other things)."""
        answered = self.outcome in (Outcome.ANSWER, Outcome.NOT_STATED)
        return answered and HUMAN_TOPIC in self.topics

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "lang": self.lang,
            "topic": self.topic,
            "topics": list(self.topics),
            "outcome": self.outcome.value,
            "confidence": round(self.confidence, 4),
            "answer": self.text,
            "suggestions": list(self.suggestions),
            "unknowns": list(self.unknowns),
            "more": self.more,
        }


def decide(match: Match, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Turn topic scores into answer, clarify or fallback. Pure."""
    best = match.best
    if best is None:
        return Decision(Outcome.FALLBACK, (), 0.0)
    margin = 0.0 if best.score >= thresholds.sure else thresholds.out_of_scope_margin
    if match.out_of_scope >= best.score - margin:
        probed = match.out_of_scope if match.out_of_scope >= best.score else None
        return Decision(Outcome.FALLBACK, (), best.score, probed=probed)
    if best.topic_id == CUSTOMER_SERVICE:
        return Decision(Outcome.FALLBACK, (), best.score, customer_service=True)
    candidates = [c for c in match.ranked if c.topic_id != CUSTOMER_SERVICE]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score >= thresholds.answer and best.score - runner_up >= thresholds.margin:
        return Decision(Outcome.ANSWER, (best.topic_id,), best.score)
    if best.score >= thresholds.clarify:
        floor = max(thresholds.clarify, best.score - 2 * thresholds.margin)
        close = [c.topic_id for c in candidates[:MAX_SUGGESTIONS] if c.score >= floor]
        if len(close) < 2 and len(candidates) > 1:
            close = [c.topic_id for c in candidates[:2]]
        return Decision(Outcome.CLARIFY, (), best.score, tuple(close))
    return Decision(Outcome.FALLBACK, (), best.score)


def reply_language(lang: str) -> str:
    """The language to answer in: the candidate's if supported, else English."""
    return lang if lang in LANGUAGES else "en"


def split_parts(question: str) -> list[str]:
    """The clauses of a question that may ask several things, at most MAX_PARTS."""
    parts = [p for p in _PART_SEPARATORS.split(fold(question)) if words(p)]
    return parts[:MAX_PARTS]


class Responder:
    """Answers questions about the postings of one knowledge base."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        detector: LanguageDetector | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
    ) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds
        self._detector = detector or LanguageDetector()
        self._matchers = {slug: Matcher.for_posting(p) for slug, p in knowledge.postings.items()}
        self._pickers = {slug: FactPicker(p) for slug, p in knowledge.postings.items()}
        self._numbers = {
            slug: specifics.numbers(p.source.normal) if p.source else frozenset()
            for slug, p in knowledge.postings.items()
        }

    def warm_up(self) -> None:
        self._detector.warm_up()

    def matcher(self, posting: str | None = None) -> Matcher:
        return self._matchers[self.knowledge.posting(posting).slug]

    def reply(
        self, question: str, posting: str | None = None, lang_hint: str | None = None
    ) -> Reply:
        """Answer one question; never raises on any text."""
        # Only the beginning is read (a question is asked up front); this bounds the work.
        text = clean(question[: 4 * MAX_MATCH_CHARS])[:MAX_MATCH_CHARS]
        target = self.knowledge.posting(posting)
        matcher = self._matchers[target.slug]
        missing = specifics.unmentioned(text, target.mentions, self._numbers[target.slug])
        match = matcher.match(text)
        lang = self._detector.detect(text, matcher.known_share, lang_hint)
        reply_lang = reply_language(lang)
        if not words(text):
            return self._reply(
                question,
                lang,
                reply_lang,
                Decision(Outcome.FALLBACK, (), 0.0),
                (Section(phrase("empty", reply_lang)),),
            )
        decision = self._decision(target, matcher, text, match, missing)
        log.debug(
            "reply posting=%s outcome=%s topics=%s confidence=%.3f lang=%s",
            target.slug,
            decision.outcome,
            ",".join(decision.topics),
            decision.confidence,
            lang,
        )
        sections = self._render(target, decision, reply_lang)
        if lang != reply_lang:
            sections = (Section(phrase("other_language", reply_lang)), *sections)
        return self._reply(question, lang, reply_lang, decision, sections)

    def answer_topic(self, topic_id: str, lang: str, posting: str | None = None) -> Reply:
        """The whole answer to a topic picked from a list, a button or "more"."""
        target = self.knowledge.posting(posting)
        reply_lang = reply_language(lang)
        decision = Decision(Outcome.ANSWER, (topic_id,), 1.0)
        sections = tuple(compose.whole_topic(target, topic_id, reply_lang))
        return self._reply("", lang, reply_lang, decision, sections)

    def greeting(self, lang: str, posting: str | None = None) -> str:
        target = self.knowledge.posting(posting)
        reply_lang = reply_language(lang)
        return phrase(
            "greeting", reply_lang, title=getattr(target.title, reply_lang), company=target.company
        )

    def topic_titles(self, lang: str, posting: str | None = None) -> list[tuple[str, str]]:
        """(id, title) of the job topics a candidate can browse, small talk excluded."""
        target = self.knowledge.posting(posting)
        return [(t.id, t.text(lang).title) for t in target.topics if not t.is_smalltalk]

    def related_titles(
        self, topic_id: str, lang: str, posting: str | None = None
    ) -> list[tuple[str, str]]:
        """(id, title) of the topics an answer to `topic_id` points to next."""
        target = self.knowledge.posting(posting)
        if not target.has_topic(topic_id):
            return []
        return [
            (r, target.topic(r).text(lang).title)
            for r in target.topic(topic_id).related
            if target.has_topic(r)
        ]

    def _decision(
        self,
        posting: Posting,
        matcher: Matcher,
        text: str,
        match: Match,
        missing: list[specifics.Specific],
    ) -> Decision:
        if scope.is_general_knowledge(text):
            return Decision(Outcome.FALLBACK, (), 0.0)
        asked = text
        decision, parts = self._decide_parts(matcher, text, decide(match, self.thresholds))
        other_company = any(s.kind == "company" for s in missing)
        if self._unknown_name_tips_out(posting, decision, match, missing):
            return Decision(Outcome.FALLBACK, (), decision.confidence)
        if decision.outcome is not Outcome.ANSWER and missing and not other_company:
            # A name the knowledge base has never seen weighs the question down: ask again
            # without it, and keep that answer only from a topic that covers such names
            # ("do you use Kafka?" is about the stack; "how is Madrid doing?" is not).
            asked = specifics.without(text, missing)
            retried, retried_parts = self._decide_parts(
                matcher, asked, decide(matcher.match(asked), self.thresholds)
            )
            kinds = {s.kind for s in missing}
            if retried.outcome is Outcome.ANSWER and all(
                kinds & set(posting.topic(t).covers) for t in retried.topics
            ):
                decision, parts = retried, retried_parts
        # A question naming another company is about that company: nothing to say of it.
        mentions = () if other_company else self._mentions(posting, decision, asked, missing)
        if decision.outcome is not Outcome.ANSWER:
            if not mentions:
                return decision
            topics = tuple(m.topic for m in mentions if m.topic)
            return Decision(Outcome.NOT_STATED, topics, decision.confidence, mentions=mentions)
        picker = self._pickers[posting.slug]
        picks = []
        for topic in decision.topics:
            pick = picker.pick(topic, asked)
            for part in parts.get(topic, ()):
                pick = pick.merged(picker.pick(topic, part))
            picks.append(pick)
        # A topic named as a mention's home is shown once, under the mention.
        homes = {m.topic for m in mentions}
        picks = [p for p in picks if not (p.whole and p.topic in homes)]
        unknown = bool(mentions) or any(p.unknowns for p in picks)
        return Decision(
            Outcome.NOT_STATED if unknown else Outcome.ANSWER,
            tuple(dict.fromkeys([*(m.topic for m in mentions if m.topic), *decision.topics])),
            decision.confidence,
            partial=decision.partial,
            picks=tuple(picks),
            mentions=mentions,
        )

    def _unknown_name_tips_out(
        self, posting: Posting, decision: Decision, match: Match, missing: list[specifics.Specific]
    ) -> bool:
        """A name no answered topic covers ("which language do they speak in Brazil?")
        makes even a sure answer beat the probes by the usual margin."""
        if decision.outcome is not Outcome.ANSWER or not missing:
            return False
        covered = {
            k for t in decision.topics if not is_smalltalk(t) for k in posting.topic(t).covers
        }
        if all(s.kind in covered for s in missing):
            return False
        return match.out_of_scope >= decision.confidence - self.thresholds.out_of_scope_margin

    @staticmethod
    def _mentions(
        posting: Posting, decision: Decision, asked: str, missing: list[specifics.Specific]
    ) -> tuple[Mention, ...]:
        """Specifics the posting never names, each under the answered topic that covers
        its kind; a bare name ("Kafka?") goes to the first topic that covers it."""
        if not missing:
            return ()
        answered = [posting.topic(t) for t in decision.topics if not is_smalltalk(t)]
        rest = specifics.without(asked, missing)
        # "Kafka?", or a technology among function words only ("do you work with AWS?").
        technical = all(s.kind == "technology" for s in missing)
        bare = not answered and (len(words(rest)) <= 1 or (technical and not content_words(rest)))
        by_topic: dict[str, list[str]] = {}
        for specific in missing:
            home = next((t.id for t in answered if specific.kind in t.covers), None)
            if home is None and bare and specific.kind != "figure":
                home = next((t.id for t in posting.topics if specific.kind in t.covers), None)
            if home is not None:
                by_topic.setdefault(home, []).append(specific.surface)
        return tuple(Mention(tuple(names), topic) for topic, names in by_topic.items())

    def _decide_parts(
        self, matcher: Matcher, text: str, whole: Decision
    ) -> tuple[Decision, dict[str, list[str]]]:
        """The decision on the whole question or on its clauses, and each answered
        topic's clauses."""
        parts = split_parts(text)
        if len(parts) < 2:
            return whole, {}
        # Off topic as a whole ("my tv remote doesn't work"): only a clearly asked clause counts.
        floor = 0.0 if whole.probed is None else whole.probed + _PROBED_MARGIN
        if whole.customer_service:  # "my screen is cracked, can you refurbish it?"
            floor = whole.confidence + _PROBED_MARGIN
        answered: dict[str, float] = {}
        by_topic: dict[str, list[str]] = {}
        unanswered = False
        answered_words = 0
        for part in parts:
            decision = decide(matcher.match(part), self.thresholds)
            if decision.outcome is Outcome.ANSWER and decision.confidence >= floor:
                topic = decision.topics[0]
                answered[topic] = max(answered.get(topic, 0.0), decision.confidence)
                by_topic.setdefault(topic, []).append(part)
                answered_words += len(words(part))
            elif len(words(part)) >= 2:
                unanswered = True
        total_words = len(words(text))
        if total_words > _LONG_MESSAGE and answered_words < _ANSWERED_SHARE * total_words:
            return whole, {}
        job = {t: c for t, c in answered.items() if not is_smalltalk(t)}
        # Asking for a person is never lost behind a greeting or another answer.
        human = {t: c for t, c in answered.items() if t == HUMAN_TOPIC}
        if job or human:
            answered = {**job, **human}
        elif answered and not unanswered:  # "thanks, that helps": one small-talk reply
            top = max(answered, key=answered.__getitem__)
            answered = {top: answered[top]}
        else:  # "hi, do you sponsor visas?" is a question we can't answer, not a greeting
            return whole, {}
        whole_is_job_answer = whole.outcome is Outcome.ANSWER and not is_smalltalk(whole.topics[0])
        if len(answered) >= 2 or (len(answered) == 1 and not whole_is_job_answer):
            decision = Decision(
                Outcome.ANSWER, tuple(answered), min(answered.values()), partial=unanswered
            )
            return decision, by_topic
        return whole, by_topic

    @staticmethod
    def _render(posting: Posting, decision: Decision, lang: str) -> tuple[Section, ...]:
        if decision.outcome in (Outcome.ANSWER, Outcome.NOT_STATED):
            sections: list[Section] = []
            titled = len({*decision.topics}) > 1
            # A topic that also answers in part shows its facts there, once.
            parted = {p.topic for p in decision.picks}
            for found in decision.mentions:
                sections += compose.mention(posting, found, lang, found.topic not in parted)
            if decision.picks:
                for pick in decision.picks:
                    sections += compose.picked(posting, pick, lang, titled)
            elif not decision.mentions:
                for topic in decision.topics:
                    whole = compose.whole_topic(posting, topic, lang)
                    if len(decision.topics) > 1:
                        first = whole[0]
                        title = posting.topic(topic).text(lang).title
                        whole[0] = Section(first.body, title, first.quote)
                    sections += whole
            if decision.partial:
                sections.append(Section(phrase("partial", lang)))
            elif decision.outcome is Outcome.NOT_STATED:
                sections.append(Section(phrase("ask_recruiter", lang)))
            return tuple(sections)
        if decision.outcome is Outcome.CLARIFY:
            titles = [posting.topic(t).text(lang).title for t in decision.suggestions]
            return (Section("\n".join([phrase("clarify", lang), *(f"- {t}" for t in titles)])),)
        if decision.customer_service:
            title = getattr(posting.title, lang)
            return (
                Section(phrase("customer_service", lang, title=title, company=posting.company)),
            )
        return (Section(phrase("fallback", lang)),)

    @staticmethod
    def _reply(
        question: str, lang: str, reply_lang: str, decision: Decision, sections: tuple[Section, ...]
    ) -> Reply:
        partial = [p.topic for p in decision.picks if not p.whole]
        unknowns = [f"{p.topic}/{u}" for p in decision.picks for u in p.unknowns]
        unknowns += [f"mention:{name}" for m in decision.mentions for name in m.names]
        return Reply(
            question=question,
            lang=lang,
            reply_lang=reply_lang,
            outcome=decision.outcome,
            topics=decision.topics,
            confidence=decision.confidence,
            text="\n\n".join(section.text for section in sections),
            suggestions=decision.suggestions,
            sections=sections,
            more=next(iter([*partial, *(m.topic for m in decision.mentions if m.topic)]), None),
            unknowns=tuple(unknowns),
            picks=decision.picks,
        )

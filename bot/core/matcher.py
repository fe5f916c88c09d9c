"""Scores a question against every topic of one posting.

Each example question, title and keyword is a small document. A question is
folded, stemmed per language (Snowball) and weighted by how specific each word
is to a topic (inverse topic frequency), so "remote" counts and "what" barely
does. Words the index has never seen are typo-corrected against its
vocabulary with rapidfuzz; words it still does not know weigh heavily, which
is what lets unknown subjects ("weather", "visa") fall out of scope. The
knowledge base's own out-of-scope probes compete as one pseudo-topic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from stop_words import get_stop_words

from bot.core.knowledge import LANGUAGES, Posting
from bot.core.text import words

OUT_OF_SCOPE = "__out_of_scope__"
# Questions about the company's products and orders, answered by customer support.
CUSTOMER_SERVICE = "__customer_service__"
_STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}

# Most weight a function word can carry ("would", "thing"), unless an admin
# listed it as a keyword: a rare word in the knowledge base is not a rare word.
_STOPWORD_WEIGHT = 0.3
# Typo correction: shortest word corrected, edits allowed (Damerau-Levenshtein,
# first letter kept, as typos rarely hit it) and the weight a corrected word keeps.
_MIN_FUZZY_LEN = 4
_LONG_WORD = 8
_EDIT_FACTOR = {1: 0.8, 2: 0.6}
# An unknown word weighs as much as a word found in 1/_UNKNOWN_RARITY topics.
_UNKNOWN_RARITY = 2.0
# A word is fully a topic's own when this many of its examples use it.
_SALIENT_DOCS = 3
# Share of a topic's examples a function word must be in to count as the topic's.
_OWNED_SHARE = 0.15
# Share of a topic's score that comes from its best single document, the rest
# from how much of the question the topic's whole vocabulary covers.
_DOC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class TopicScore:
    """A topic and how well the question matches it (0..1)."""

    topic_id: str
    score: float
    lang: str


@dataclass(frozen=True, slots=True)
class Match:
    """Every topic's score for one question, best first, plus out-of-scope evidence."""

    ranked: tuple[TopicScore, ...]
    out_of_scope: float
    known_share: Mapping[str, float]

    @property
    def best(self) -> TopicScore | None:
        return self.ranked[0] if self.ranked else None

    def score_of(self, topic_id: str) -> float:
        return next((c.score for c in self.ranked if c.topic_id == topic_id), 0.0)


@dataclass(frozen=True, slots=True)
class _Doc:
    topic: int
    tokens: list[str]
    anchor: bool  # a title or keyword rather than an example


@dataclass(frozen=True, slots=True)
class _Term:
    stem: str | None
    weight: float
    factor: float


class _LanguageIndex:
    """Inverted index over one language's documents."""

    def __init__(
        self,
        lang: str,
        docs: list[_Doc],
        n_topics: int,
        keywords: frozenset[str],
    ) -> None:
        self.lang = lang
        self._stemmer = Stemmer.Stemmer(_STEMMERS[lang])
        stopwords = {w for s in get_stop_words(lang) for w in words(s)}
        self.stopwords = frozenset(stopwords - keywords)
        self.doc_topic: list[int] = []
        doc_stems: list[frozenset[str]] = []
        # stem -> topic -> how many of the topic's documents hold it (a title or
        # keyword counts as many), to tell a topic's own words from incidental ones.
        in_docs: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.surface: dict[str, str] = {}
        for doc in docs:
            stems = self._stemmer.stemWords(doc.tokens)
            self.surface.update(zip(doc.tokens, stems, strict=True))
            self.doc_topic.append(doc.topic)
            doc_stems.append(frozenset(stems))
            for stem in set(stems):
                in_docs[stem][doc.topic] += _SALIENT_DOCS if doc.anchor else 1
        oos = n_topics - 1
        # Rarity among job topics only: a job word the probes reuse in another
        # sense ("salaire d'un plombier") stays as specific as it is.
        self.idf = {
            s: math.log(1.0 + n_topics / max(1, len(t) - (oos in t))) for s, t in in_docs.items()
        }
        self.unknown_weight = math.log(1.0 + _UNKNOWN_RARITY * n_topics)
        # stem -> ((topic, salience), ...): how much the word belongs to each topic.
        self.topics_of: dict[str, tuple[tuple[int, float], ...]] = {}
        oos_share: dict[str, float] = {}
        for stem, per_topic in in_docs.items():
            salience = {t: min(1.0, n / _SALIENT_DOCS) for t, n in per_topic.items()}
            if oos in salience:
                # The probes are a grab-bag: any word of theirs that no job topic
                # owns ("tv" in "my tv remote") is evidence of out-of-scope.
                job = max((v for t, v in salience.items() if t != oos), default=0.0)
                salience[oos] = max(salience[oos], 1.0 - job)
            self.topics_of[stem] = tuple(salience.items())
            oos_share[stem] = salience.get(oos, 0.0)
        # Function words that mark a topic keep their weight: "where"/"donde" is in
        # many of the locations examples, "please" only in a few of apply's.
        topic_docs: dict[int, int] = defaultdict(int)
        for doc in docs:
            topic_docs[doc.topic] += 1
        self.owned = frozenset(
            stem
            for stem, per_topic in in_docs.items()
            if any(n >= _OWNED_SHARE * topic_docs[t] for t, n in per_topic.items() if t != oos)
        )
        # stem -> ((document, share of the word's weight it earns there), ...). A probe
        # earns a word only as far as the word is out-of-scope evidence: "is it remote"
        # matches little of "my tv remote is broken", "tv" matches it fully.
        self.docs_of: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.doc_norm: list[float] = []
        for d, stems in enumerate(doc_stems):
            for stem in stems:
                share = oos_share[stem] if self.doc_topic[d] == oos else 1.0
                self.docs_of[stem].append((d, share))
            self.doc_norm.append(sum(self.idf[s] for s in stems))
        self._choices: dict[str, list[str]] = defaultdict(list)
        for word in self.surface:
            if len(word) >= _MIN_FUZZY_LEN - 1:
                self._choices[word[0]].append(word)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def terms(self, tokens: list[str]) -> list[_Term]:
        terms: dict[str | None, _Term] = {}
        for token, stem in zip(tokens, self._stemmer.stemWords(tokens), strict=True):
            if stem in self.idf:
                weight = self.idf[stem]
                if token in self.stopwords and stem not in self.owned:
                    weight = min(weight, _STOPWORD_WEIGHT)
                term = _Term(stem, weight, 1.0)
            elif token in self.stopwords:
                term = _Term(None, _STOPWORD_WEIGHT, 0.0)
            else:
                term = self.correct(token) or _Term(None, self.unknown_weight, 0.0)
            key = term.stem if term.stem is not None else f"?{token}"
            if key not in terms or terms[key].factor < term.factor:
                terms[key] = term
        return list(terms.values())

    def _correct(self, token: str) -> _Term | None:
        if len(token) < _MIN_FUZZY_LEN:
            return None
        max_edits = 2 if len(token) >= _LONG_WORD else 1
        hit = process.extractOne(
            token,
            self._choices.get(token[0], ()),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_edits,
        )
        if hit is None:
            return None
        stem = self.surface[hit[0]]
        return _Term(stem, self.idf[stem], _EDIT_FACTOR[int(hit[1])])


@dataclass(frozen=True, slots=True)
class Unit:
    """What the matcher scores: a key and, per language, its examples and anchors
    (a title or keyword, which counts as several examples)."""

    key: str
    examples: Mapping[str, tuple[str, ...]]
    anchors: Mapping[str, tuple[str, ...]]


def topic_units(posting: Posting) -> list[Unit]:
    """One unit per topic: its examples and those of its facts and known unknowns."""
    units = []
    for topic in posting.topics:
        examples = {
            lang: (
                *topic.text(lang).examples,
                *(e for f in topic.facts for e in f.text(lang).examples),
                *(e for n in topic.not_stated for e in n.text(lang).examples),
            )
            for lang in LANGUAGES
        }
        anchors = {
            lang: (topic.text(lang).title, *topic.text(lang).keywords, *topic.keywords)
            for lang in LANGUAGES
        }
        units.append(Unit(topic.id, examples, anchors))
    return units


def keywords_of(posting: Posting) -> dict[str, frozenset[str]]:
    """Per language, the one-word keywords admins listed: never function words."""
    return {
        lang: frozenset(
            tokens[0]
            for topic in posting.topics
            for k in (*topic.text(lang).keywords, *topic.keywords)
            if len(tokens := words(k)) == 1
        )
        for lang in LANGUAGES
    }


class Matcher:
    """Scores questions against units (a posting's topics, or one topic's facts) in
    every supported language; `probes` compete as the out-of-scope pseudo-unit."""

    def __init__(
        self,
        units: list[Unit],
        probes: Mapping[str, tuple[str, ...]],
        keywords: Mapping[str, frozenset[str]],
    ) -> None:
        self.topic_ids: tuple[str, ...] = (*(u.key for u in units), OUT_OF_SCOPE)
        n_topics = len(self.topic_ids)
        oos = n_topics - 1
        self._indexes: dict[str, _LanguageIndex] = {}
        for lang in LANGUAGES:
            docs: list[_Doc] = []
            for i, unit in enumerate(units):
                docs.extend(_Doc(i, words(p), False) for p in unit.examples.get(lang, ()))
                docs.extend(_Doc(i, words(p), True) for p in unit.anchors.get(lang, ()))
            docs.extend(_Doc(oos, words(p), False) for p in probes.get(lang, ()))
            self._indexes[lang] = _LanguageIndex(
                lang, [d for d in docs if d.tokens], n_topics, keywords.get(lang, frozenset())
            )

    @classmethod
    def for_posting(cls, posting: Posting) -> Matcher:
        """The matcher over a posting's topics, with its customer-service probes as a unit."""
        units = topic_units(posting)
        if any(posting.customer_service.values()):
            units.append(Unit(CUSTOMER_SERVICE, posting.customer_service, {}))
        return cls(units, posting.out_of_scope, keywords_of(posting))

    def known_share(self, question: str) -> dict[str, float]:
        """Per language, the share of the question's weight that its vocabulary knows."""
        tokens = words(question)
        shares: dict[str, float] = {}
        for lang, index in self._indexes.items():
            terms = index.terms(tokens)
            total = sum(t.weight for t in terms)
            shares[lang] = sum(t.weight for t in terms if t.factor == 1.0) / total if total else 0.0
        return shares

    def match(self, question: str) -> Match:
        """Score `question` against every topic; pure and safe on any input."""
        tokens = words(question)
        best: dict[int, tuple[float, str]] = {}
        known_share: dict[str, float] = {}
        for lang, index in self._indexes.items():
            terms = index.terms(tokens)
            total = sum(t.weight for t in terms)
            if total <= 0.0:
                known_share[lang] = 0.0
                continue
            known_share[lang] = sum(t.weight for t in terms if t.factor == 1.0) / total
            for topic, score in self._score(index, terms, total).items():
                if score > best.get(topic, (0.0, ""))[0]:
                    best[topic] = (score, lang)
        oos_index = len(self.topic_ids) - 1
        ranked = sorted(
            (
                TopicScore(self.topic_ids[t], round(score, 4), lang)
                for t, (score, lang) in best.items()
                if t != oos_index
            ),
            key=lambda c: -c.score,
        )
        return Match(tuple(ranked), best.get(oos_index, (0.0, ""))[0], known_share)

    @staticmethod
    def _score(index: _LanguageIndex, terms: list[_Term], total: float) -> dict[int, float]:
        overlap: dict[int, float] = defaultdict(float)
        coverage: dict[int, float] = defaultdict(float)
        for term in terms:
            if term.stem is None:
                continue
            gain = term.weight * term.factor
            for d, share in index.docs_of[term.stem]:
                overlap[d] += gain * share
            for topic, salience in index.topics_of[term.stem]:
                coverage[topic] += gain * salience
        best_doc: dict[int, float] = defaultdict(float)
        for d, shared in overlap.items():
            dice = 2.0 * shared / (total + index.doc_norm[d])
            topic = index.doc_topic[d]
            if dice > best_doc[topic]:
                best_doc[topic] = dice
        return {
            topic: _DOC_SHARE * dice + (1.0 - _DOC_SHARE) * coverage[topic] / total
            for topic, dice in best_doc.items()
        }

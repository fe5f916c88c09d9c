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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from rapidfuzz import fuzz, process
from stop_words import get_stop_words

from bot.core.knowledge import LANGUAGES, Posting
from bot.core.text import words

OUT_OF_SCOPE = "__out_of_scope__"
_STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}

# Weight of a function word the index does not know ("shall", "whom").
_STOPWORD_WEIGHT = 0.3
# Shortest word that is typo-corrected, and the similarity a correction needs.
_MIN_FUZZY_LEN = 4
_FUZZY_CUTOFF = {4: 85.0}
_DEFAULT_FUZZY_CUTOFF = 80.0
# Share of a topic's score that comes from its best single document, the rest
# from how much of the question the topic's whole vocabulary covers.
_DOC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A topic and how well the question matches it (0..1)."""

    topic_id: str
    score: float
    lang: str


@dataclass(frozen=True, slots=True)
class Match:
    """Every topic's score for one question, best first, plus out-of-scope evidence."""

    candidates: tuple[Candidate, ...]
    out_of_scope: float
    known_share: Mapping[str, float]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def score_of(self, topic_id: str) -> float:
        return next((c.score for c in self.candidates if c.topic_id == topic_id), 0.0)


@dataclass(frozen=True, slots=True)
class _Term:
    stem: str | None
    weight: float
    factor: float


class _LanguageIndex:
    """Inverted index over one language's documents."""

    def __init__(self, lang: str, docs: list[tuple[int, list[str]]], n_topics: int) -> None:
        self.lang = lang
        self._stemmer = Stemmer.Stemmer(_STEMMERS[lang])
        self.stopwords = frozenset(w for s in get_stop_words(lang) for w in words(s))
        self.doc_topic: list[int] = []
        doc_stems: list[frozenset[str]] = []
        topic_freq: dict[str, set[int]] = defaultdict(set)
        self.surface: dict[str, str] = {}
        for topic, tokens in docs:
            stems = self._stemmer.stemWords(tokens)
            self.surface.update(zip(tokens, stems, strict=True))
            self.doc_topic.append(topic)
            doc_stems.append(frozenset(stems))
            for stem in stems:
                topic_freq[stem].add(topic)
        self.idf = {s: math.log(1.0 + n_topics / len(t)) for s, t in topic_freq.items()}
        self.unknown_weight = math.log(1.0 + 2.0 * n_topics)
        self.topics_of = {s: tuple(t) for s, t in topic_freq.items()}
        self.docs_of: dict[str, list[int]] = defaultdict(list)
        self.doc_norm: list[float] = []
        for d, stems in enumerate(doc_stems):
            for stem in stems:
                self.docs_of[stem].append(d)
            self.doc_norm.append(sum(self.idf[s] for s in stems))
        self._choices = [w for w in self.surface if len(w) >= _MIN_FUZZY_LEN]
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def terms(self, tokens: list[str]) -> list[_Term]:
        terms: dict[str | None, _Term] = {}
        for token, stem in zip(tokens, self._stemmer.stemWords(tokens), strict=True):
            if stem in self.idf:
                term = _Term(stem, self.idf[stem], 1.0)
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
        cutoff = _FUZZY_CUTOFF.get(len(token), _DEFAULT_FUZZY_CUTOFF)
        hit = process.extractOne(token, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None
        stem = self.surface[hit[0]]
        return _Term(stem, self.idf[stem], (hit[1] / 100.0) ** 2)


class Matcher:
    """Scores questions against one posting's topics in every supported language."""

    def __init__(self, posting: Posting) -> None:
        self.topic_ids: tuple[str, ...] = (*(t.id for t in posting.topics), OUT_OF_SCOPE)
        n_topics = len(self.topic_ids)
        oos = n_topics - 1
        self._indexes: dict[str, _LanguageIndex] = {}
        for lang in LANGUAGES:
            docs: list[tuple[int, list[str]]] = []
            for i, topic in enumerate(posting.topics):
                text = topic.text(lang)
                phrases: Iterable[str] = (
                    *text.examples,
                    text.title,
                    *text.keywords,
                    *topic.keywords,
                )
                docs.extend((i, words(p)) for p in phrases)
            docs.extend((oos, words(p)) for p in posting.out_of_scope[lang])
            self._indexes[lang] = _LanguageIndex(lang, [d for d in docs if d[1]], n_topics)

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
        candidates = sorted(
            (
                Candidate(self.topic_ids[t], round(score, 4), lang)
                for t, (score, lang) in best.items()
                if t != oos_index
            ),
            key=lambda c: -c.score,
        )
        return Match(tuple(candidates), best.get(oos_index, (0.0, ""))[0], known_share)

    @staticmethod
    def _score(index: _LanguageIndex, terms: list[_Term], total: float) -> dict[int, float]:
        overlap: dict[int, float] = defaultdict(float)
        coverage: dict[int, float] = defaultdict(float)
        for term in terms:
            if term.stem is None:
                continue
            gain = term.weight * term.factor
            for d in index.docs_of[term.stem]:
                overlap[d] += gain
            for topic in index.topics_of[term.stem]:
                coverage[topic] += gain
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

"""Choose the dialogue thresholds on data rather than by hand.

In-scope questions are the knowledge base's own examples, each scored by a
matcher built without it (k-fold cross-validation), so a question never meets
itself. Out-of-scope questions are the knowledge base's own probes, held out
the same way, plus the third-party off-topic sets. A grid search then keeps
the thresholds that answer the most held-out examples correctly, counting a
wrong answer against them, while rejecting at least `min_rejection` of the
out-of-scope questions. The dev set is not used, so it stays an honest test.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.core.dialogue import Thresholds
from bot.core.knowledge import LANGUAGES, Posting, Topic, is_smalltalk
from bot.core.matcher import CUSTOMER_SERVICE, Match, Matcher
from bot.evaluation import Labelled

FOLDS = 10
MIN_REJECTION = 0.95
WRONG_PENALTY = 0.5
# A "did you mean" that offers the right topic costs the candidate one tap.
CLARIFY_VALUE = 0.4


@dataclass(frozen=True, slots=True)
class _Scores:
    best: np.ndarray
    second: np.ndarray
    oos: np.ndarray
    correct: np.ndarray
    in_top3: np.ndarray
    smalltalk: np.ndarray
    customer_service: np.ndarray


def _without_fold(posting: Posting, fold: int) -> Posting:
    """The posting without the fold's examples (of topics, facts and known unknowns)."""

    def keep(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(x for i, x in enumerate(items) if i % FOLDS != fold)

    def thin(entry: Any) -> Any:
        return entry.model_copy(
            update={
                lang: entry.text(lang).model_copy(
                    update={"examples": keep(entry.text(lang).examples)}
                )
                for lang in LANGUAGES
            }
        )

    topics = tuple(
        thin(t).model_copy(
            update={
                "facts": tuple(thin(f) for f in t.facts),
                "not_stated": tuple(thin(n) for n in t.not_stated),
            }
        )
        for t in posting.topics
    )
    probes = {lang: keep(posting.out_of_scope[lang]) for lang in LANGUAGES}
    return dataclasses.replace(posting, topics=topics, out_of_scope=probes)


def _all_examples(topic: Topic, lang: str) -> list[tuple[int, str]]:
    """(index within its list, example) of a topic and its facts and known unknowns."""
    lists = [topic.text(lang).examples]
    lists += [f.text(lang).examples for f in topic.facts]
    lists += [n.text(lang).examples for n in topic.not_stated]
    return [(i, example) for examples in lists for i, example in enumerate(examples)]


def _held_out(posting: Posting) -> tuple[list[tuple[Match, str]], list[Match]]:
    in_scope: list[tuple[Match, str]] = []
    out_of_scope: list[Match] = []
    for fold in range(FOLDS):
        matcher = Matcher.for_posting(_without_fold(posting, fold))
        for topic, lang in itertools.product(posting.topics, LANGUAGES):
            for i, example in _all_examples(topic, lang):
                if i % FOLDS == fold:
                    in_scope.append((matcher.match(example), topic.id))
        for lang in LANGUAGES:
            for i, probe in enumerate(posting.out_of_scope[lang]):
                if i % FOLDS == fold:
                    out_of_scope.append(matcher.match(probe))
    return in_scope, out_of_scope


def _arrays(matches: list[Match], expected: list[str | None]) -> _Scores:
    def runner_up(m: Match) -> float:
        # As `decide`: the customer-service pseudo-topic is never a runner-up.
        scores = [c.score for c in m.ranked if c.topic_id != CUSTOMER_SERVICE]
        return scores[1] if len(scores) > 1 else 0.0

    def best_id(m: Match) -> str | None:
        return m.best.topic_id if m.best else None

    return _Scores(
        best=np.array([m.best.score if m.best else 0.0 for m in matches]),
        second=np.array([runner_up(m) for m in matches]),
        oos=np.array([m.out_of_scope for m in matches]),
        correct=np.array([best_id(m) == e for m, e in zip(matches, expected, strict=True)]),
        smalltalk=np.array([is_smalltalk(best_id(m) or "") for m in matches]),
        customer_service=np.array([best_id(m) == CUSTOMER_SERVICE for m in matches]),
        in_top3=np.array(
            [
                e in {c.topic_id for c in m.ranked[:3]}
                for m, e in zip(matches, expected, strict=True)
            ]
        ),
    )


def _outcomes(s: _Scores, t: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays: answered, clarified (the rest falls back), as `decide` would."""
    margin = np.where(s.best >= t.sure, 0.0, t.out_of_scope_margin)
    oos_wins = (s.oos >= s.best - margin) | s.customer_service
    answer = ~oos_wins & (s.best >= t.answer) & (s.best - s.second >= t.margin)
    clarify = ~oos_wins & ~answer & (s.best >= t.clarify)
    return answer, clarify


@dataclass(frozen=True, slots=True)
class Result:
    """How one set of thresholds does on the tuning data."""

    objective: float
    accuracy: float
    wrong: float
    clarify: float
    rejection: float
    thresholds: Thresholds


def search(
    posting: Posting, off_topic: dict[str, list[Labelled]], min_rejection: float = MIN_REJECTION
) -> tuple[list[Result], str]:
    """Every threshold set that meets the rejection floor, best first, and a data summary."""
    in_matches, probe_matches = _held_out(posting)
    full = Matcher.for_posting(posting)
    third_party = [full.match(item.question) for items in off_topic.values() for item in items]
    ins = _arrays([m for m, _ in in_matches], [e for _, e in in_matches])
    oos = _arrays(probe_matches + third_party, [None] * (len(probe_matches) + len(third_party)))
    results = []
    grid = itertools.product(
        np.arange(0.20, 0.81, 0.02),  # answer
        np.arange(0.0, 0.21, 0.02),  # margin
        np.arange(0.10, 0.61, 0.05),  # clarify
        np.arange(-0.10, 0.21, 0.05),  # out-of-scope margin
        (0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.01),  # sure
    )
    for answer, margin, clarify, oos_margin, sure in grid:
        if clarify > answer:
            continue
        t = Thresholds(*(round(float(x), 2) for x in (answer, margin, clarify, oos_margin, sure)))
        in_answer, in_clarify = _outcomes(ins, t)
        oos_answer, oos_clarify = _outcomes(oos, t)
        rejection = 1.0 - float(np.mean((oos_answer & ~oos.smalltalk) | oos_clarify))
        if rejection < min_rejection:
            continue
        accuracy = float(np.mean(in_answer & ins.correct))
        wrong = float(np.mean(in_answer & ~ins.correct))
        useful_clarify = float(np.mean(in_clarify & ins.in_top3))
        objective = accuracy - WRONG_PENALTY * wrong + CLARIFY_VALUE * useful_clarify
        results.append(Result(objective, accuracy, wrong, float(np.mean(in_clarify)), rejection, t))
    results.sort(key=lambda r: -r.objective)
    summary = (
        f"held-out examples: {len(in_matches)}, out-of-scope: {len(probe_matches)} probes "
        f"+ {len(third_party)} third-party; rejection floor {min_rejection:.0%}"
    )
    return results, summary


def tune(
    posting: Posting, off_topic: dict[str, list[Labelled]], min_rejection: float = MIN_REJECTION
) -> str:
    """Run the search and return a report naming the best thresholds."""
    results, summary = search(posting, off_topic, min_rejection)
    lines = [
        summary,
        f"{'objective':>9} {'top-1':>6} {'wrong':>6} {'clarify':>7} {'reject':>6}  thresholds",
    ]
    for r in results[:10]:
        t = r.thresholds
        lines.append(
            f"{r.objective:9.3f} {r.accuracy:6.1%} {r.wrong:6.1%} {r.clarify:7.1%} "
            f"{r.rejection:6.1%}  answer={t.answer} margin={t.margin} clarify={t.clarify} "
            f"out_of_scope_margin={t.out_of_scope_margin} sure={t.sure}"
        )
    if not results:
        lines.append("no thresholds reach the rejection floor")
    return "\n".join(lines)

"""The vectorised decision used by the threshold search must agree with `decide`."""

from __future__ import annotations

import pytest

from bot.core.dialogue import Outcome, Responder, Thresholds, decide
from bot.evaluation import read_devset
from bot.tuning import _arrays, _outcomes
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "thresholds",
    [Thresholds(), Thresholds(0.3, 0.1, 0.2, -0.05, 0.6), Thresholds(0.6, 0.0, 0.6, 0.2, 1.01)],
)
def test_search_decides_like_the_dialogue(responder: Responder, thresholds: Thresholds) -> None:
    questions = [item.question for item in read_devset(ROOT / "tests" / "data" / "devset.tsv")]
    matches = [responder.matcher().match(q) for q in questions]
    answered, clarified = _outcomes(_arrays(matches, [None] * len(matches)), thresholds)
    for match, a, c in zip(matches, answered, clarified, strict=True):
        outcome = decide(match, thresholds).outcome
        assert (outcome is Outcome.ANSWER, outcome is Outcome.CLARIFY) == (bool(a), bool(c))

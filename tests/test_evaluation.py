"""Quality floors on the dev set and the third-party off-topic sets, and the tuned thresholds."""

from __future__ import annotations

import pytest

from bot.cli import OFF_TOPIC_DIR
from bot.core.dialogue import DEFAULT_THRESHOLDS, Responder
from bot.evaluation import OFF_TOPIC_FILES, Report, evaluate, read_devset, read_off_topic_sets
from bot.tuning import MIN_REJECTION, search
from tests.conftest import ROOT

# Floors sit a little under the figures measured when the thresholds were tuned
# (README, Evaluation), so a regression fails while noise-free reruns pass.
ACCURACY_FLOOR = 0.93
REJECTION_FLOOR = 0.93
# CLINC's in-scope set is personal-assistant requests; "how many PTO days do I have
# left" now gets the honest not_stated benefits reply, which counts as not rejected.
THIRD_PARTY_REJECTION_FLOOR = 0.92
LANGUAGE_FLOOR = 0.95


def off_topic() -> dict:
    return read_off_topic_sets(ROOT / OFF_TOPIC_DIR)


@pytest.fixture(scope="module")
def report(responder: Responder) -> Report:
    return evaluate(responder, read_devset(ROOT / "tests" / "data" / "devset.tsv"), off_topic())


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_dev_set_floors(report: Report, lang: str) -> None:
    tally = report.by_lang[lang]
    assert tally.in_scope >= 100 and tally.rejectable >= 40
    assert tally.accuracy >= ACCURACY_FLOOR, tally.accuracy
    assert tally.rejection >= REJECTION_FLOOR, tally.rejection
    assert tally.language_accuracy >= LANGUAGE_FLOOR, tally.language_accuracy
    assert tally.multi_accuracy >= 0.6


@pytest.mark.parametrize("name", sorted(OFF_TOPIC_FILES))
def test_third_party_off_topic_is_rejected(report: Report, name: str) -> None:
    tally = report.by_file[name]
    assert tally.rejectable >= 200
    assert tally.rejection >= THIRD_PARTY_REJECTION_FLOOR, tally.rejection


def test_shipped_thresholds_are_the_searched_ones(responder: Responder) -> None:
    """The thresholds in the code meet the floor on the tuning data and are near the best.

    Near, not at: the leave-one-out best can fail `kb check`'s self-test on shipped
    examples (answer 0.46 with sure 0.75-0.8 failed 24+), so the best clean set ships.
    """
    results, _ = search(responder.knowledge.posting(), off_topic())
    assert results, "no thresholds reach the rejection floor"
    shipped = next((r for r in results if r.thresholds == DEFAULT_THRESHOLDS), None)
    assert shipped is not None, f"shipped thresholds miss the {MIN_REJECTION:.0%} floor"
    assert shipped.objective >= results[0].objective - 0.02

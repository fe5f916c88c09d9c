"""The dialogue decision on hand-made scores: no knowledge base needed."""

from bot.core.dialogue import Outcome, Thresholds, decide, split_parts
from bot.core.matcher import Match, TopicScore

T = Thresholds(answer=0.5, margin=0.1, clarify=0.3, out_of_scope_margin=0.0)


def match(*scores: float, oos: float = 0.0) -> Match:
    candidates = tuple(TopicScore(f"t{i}", s, "en") for i, s in enumerate(scores))
    return Match(candidates, oos, {"en": 1.0})


def test_clear_winner_is_answered() -> None:
    decision = decide(match(0.8, 0.5), T)
    assert decision.outcome is Outcome.ANSWER
    assert decision.topics == ("t0",)
    assert decision.confidence == 0.8


def test_close_runner_up_asks_did_you_mean() -> None:
    decision = decide(match(0.6, 0.55, 0.45, 0.1), T)
    assert decision.outcome is Outcome.CLARIFY
    assert decision.suggestions == ("t0", "t1", "t2")


def test_weak_single_candidate_still_offers_two_choices() -> None:
    decision = decide(match(0.35, 0.05), T)
    assert decision.outcome is Outcome.CLARIFY
    assert decision.suggestions == ("t0", "t1")


def test_low_score_falls_back() -> None:
    assert decide(match(0.2, 0.1), T).outcome is Outcome.FALLBACK
    assert decide(match(), T).outcome is Outcome.FALLBACK


def test_out_of_scope_probe_beats_topic() -> None:
    assert decide(match(0.9, 0.1, oos=0.95), T).outcome is Outcome.FALLBACK
    assert decide(match(0.9, 0.1, oos=0.5), T).outcome is Outcome.ANSWER


def test_split_parts() -> None:
    assert split_parts("Is it remote and what's the salary?") == [
        "is it remote ",
        " what's the salary",
    ]
    assert split_parts("c'est en télétravail et le salaire ?") == [
        "c'est en teletravail ",
        " le salaire ",
    ]
    assert split_parts("remote?") == ["remote"]
    assert len(split_parts(" and ".join(["remote"] * 50))) == 4

"""Clock and calendar requests are general knowledge; job questions about dates are not."""

from __future__ import annotations

import pytest

from bot.core.scope import is_general_knowledge


@pytest.mark.parametrize(
    "question",
    [
        "what time is it",
        "what's the date today?",
        "what day will it be in 3 days",
        "what's the day 10 days from now",
        "quelle heure est-il ?",
        "on est quel jour ?",
        "qué hora es?",
        "qué día es hoy",
        "qué día será dentro de 5 días",
    ],
)
def test_clock_requests_are_general_knowledge(question: str) -> None:
    assert is_general_knowledge(question)


@pytest.mark.parametrize(
    "question",
    [
        "when is the start date?",
        "how many office days a week?",
        "quel jour je commence ?",
        "qué día empiezo?",
        "how long does the process take, in days?",
    ],
)
def test_job_questions_about_days_are_not(question: str) -> None:
    assert not is_general_knowledge(question)

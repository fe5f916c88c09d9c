"""Near-duplicate grouping of unanswered questions."""

from __future__ import annotations

from bot.store.queries import AskedQuestion
from bot.transcripts.grouping import group_questions, normal_form


def asked(text: str, at: str, lang: str | None = "en", conversation: str = "c1") -> AskedQuestion:
    return AskedQuestion(text, lang, f"2025-06-{at}T10:00:00.000+00:00", conversation)


def test_three_near_duplicates_form_one_row() -> None:
    groups = group_questions(
        [
            asked("Do you sponsor visas?", "01", conversation="c1"),
            asked("do you sponser visa", "03", lang="es", conversation="c2"),
            asked("DO YOU SPONSOR VISAS ??", "02", conversation="c3"),
            asked("what are the working hours", "04"),
        ]
    )
    assert [g.count for g in groups] == [3, 1]
    visas = groups[0]
    assert visas.languages == ("en", "es")
    assert visas.last_asked.startswith("2025-06-03")
    assert visas.conversations == ("c2", "c3", "c1")
    assert len(visas.wordings) == 3
    assert groups[1].example == "what are the working hours"


def test_questions_sharing_a_frame_stay_apart() -> None:
    groups = group_questions(
        [asked("what are the benefits", "01"), asked("what are the working hours", "02")]
    )
    assert len(groups) == 2


def test_example_is_the_most_common_wording_and_rows_sort_by_count() -> None:
    groups = group_questions(
        [
            asked("is there a gym?", "01"),
            asked("Is there a gym at the office", "02"),
            asked("is there a gym?", "03"),
            asked("weather?", "04"),
            asked("weather?", "05"),
            asked("weather today", "06"),
            asked("weather!", "07"),
        ]
    )
    assert [(g.example, g.count) for g in groups] == [("weather?", 4), ("is there a gym?", 3)]


def test_text_without_words_is_kept_apart_and_blank_text_dropped() -> None:
    groups = group_questions(
        [asked("???", "01"), asked("?!", "02"), asked("   ", "03"), asked("🤔", "04")]
    )
    assert sorted(g.example for g in groups) == ["?!", "???", "🤔"]
    assert normal_form("Télé-Travail ?") == "tele travail"

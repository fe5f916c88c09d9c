"""What reaches the recruiter's terminal."""

from __future__ import annotations

from rich.console import Console

from bot.store import queries
from bot.store.connections import reading
from bot.store.queries import Message, Transcript
from bot.transcripts.render import print_transcript, printable, short_when, time_span
from tests.transcripts.conftest import Sample


def test_printable_defuses_terminal_escapes() -> None:
    assert printable("a\x1b[2Jb\x07c") == "a\ufffd[2Jb\ufffdc"
    assert printable("line one\r\nline\ttwo") == "line one\nline\ttwo"
    assert printable("naïve 👍") == "naïve 👍"


def test_candidate_text_cannot_restyle_or_clear_the_terminal(sample: Sample) -> None:
    with reading(sample.path) as db:
        summary = queries.find_conversation(db, sample.ana)
    hostile = Message(
        "m", 1, summary.started_at, "in", "[bold red]hi[/] \x1b[2J", None, (), None, "en", None
    )
    console = Console(record=True, width=120, force_terminal=True, color_system="standard")
    print_transcript(console, Transcript(summary, (hostile,)))
    shown = console.export_text()
    assert "[bold red]hi[/] \ufffd[2J" in shown
    assert "\x1b[2J" not in console.export_text(styles=True)


def test_dates_are_short_and_friendly() -> None:
    assert short_when("2025-06-01T14:05:09.123+00:00", this_year=2025) == "1 Jun 14:05"
    assert short_when("2024-12-31T23:59:00.000+00:00", this_year=2025) == "31 Dec 2024 23:59"
    assert time_span("2025-06-01T14:05:00.000+00:00", "2025-06-01T14:05:30.000+00:00") == (
        short_when("2025-06-01T14:05:00.000+00:00")
    )
    same_day = time_span("2025-06-01T14:05:00.000+00:00", "2025-06-01T15:10:00.000+00:00")
    assert same_day.endswith(" → 15:10")
    assert "2 Jun" in time_span("2025-06-01T14:05:00.000+00:00", "2025-06-02T09:00:00.000+00:00")


def test_a_relayed_recruiter_reply_is_shown_as_the_recruiters(sample: Sample) -> None:
    with reading(sample.path) as db:
        summary = queries.find_conversation(db, sample.ana)
    at = summary.started_at
    messages = (
        Message("a", 1, at, "in", "/human visas?", "handoff", (), None, "en", None),
        Message("b", 2, at, "out", "Yes, we sponsor.", "recruiter", (), None, "en", None),
        Message("c", 3, at, "in", "is it remote?", "flood", (), None, "en", None),
    )
    console = Console(record=True, width=120)
    print_transcript(console, Transcript(summary, messages))
    shown = console.export_text()
    assert "Recruiter" in shown and "from a recruiter" in shown
    assert "(handed off)" in shown and "(sent too fast, not answered)" in shown

"""Pure pieces of the channel: HTML messages, splitting, callback_data."""

from __future__ import annotations

import pytest

from bot.channels.telegram.callbacks import Action, Button, parse
from bot.channels.telegram.formatting import escape, messages_html, split_text
from bot.core.dialogue import Section


def test_sections_are_escaped_and_titles_bold():
    [html] = messages_html([Section("a < b & c", "R&D"), Section("it's <fine>")])
    assert html == "<b>R&amp;D</b>\na &lt; b &amp; c\n\nit's &lt;fine&gt;"


def test_split_prefers_paragraphs_then_lines_then_words():
    text = "first paragraph " * 20 + "\n\n" + "second " * 30
    parts = split_text(text, 400)
    assert parts[0] == ("first paragraph " * 20).strip()
    words = text.split()
    assert " ".join(parts).split() == words


def test_every_part_fits_once_escaped():
    text = "R&D <team> " * 1000
    parts = split_text(text, 4096)
    assert len(parts) > 1 and all(len(escape(p)) <= 4096 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_a_section_too_long_keeps_its_title_on_the_first_part():
    messages = messages_html([Section("word " * 2000, "Title")], limit=4096)
    assert len(messages) == 3 and messages[0].startswith("<b>Title</b>\n")
    assert not any(m.startswith("<b>") for m in messages[1:])
    assert all(len(m) <= 4096 for m in messages)


def test_callback_data_round_trips_and_stays_within_64_bytes():
    button = Button(Action.TOPIC, "interview-process")
    assert button.data == "t:interview-process"
    assert parse(button.data) == button
    assert parse("f1:" + "a" * 32) == Button(Action.HELPFUL, "a" * 32)
    with pytest.raises(ValueError, match="64 bytes"):
        _ = Button(Action.TOPIC, "é" * 32).data  # 31 characters, 66 bytes


@pytest.mark.parametrize("data", [None, "", "nonsense", "zz:value"])
def test_unknown_callback_data_is_ignored(data):
    assert parse(data) is None

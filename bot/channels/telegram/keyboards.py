"""The inline keyboards the bot shows, built from plain data."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.callbacks import Action, Button, parse
from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
TOPICS_PER_ROW = 2


def _button(text: str, action: Action, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Button(action, value).data)


def topics(titles: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Every browsable topic, two per row."""
    buttons = [_button(title, Action.TOPIC, topic) for topic, title in titles]
    rows = [buttons[i : i + TOPICS_PER_ROW] for i in range(0, len(buttons), TOPICS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def answer(
    message_id: str | None,
    related: Sequence[tuple[str, str]],
    *,
    feedback: bool = True,
    more: tuple[str, str] | None = None,
    human: str | None = None,
) -> InlineKeyboardMarkup | None:
    """👍/👎 on the stored answer `message_id`, "More about …" the topic shown in part,
    "Talk to a recruiter" (in language `human`) when the posting doesn't say, then one
    row per related topic."""
    rows = []
    if feedback and message_id:
        rows.append(
            [_button("👍", Action.HELPFUL, message_id), _button("👎", Action.UNHELPFUL, message_id)]
        )
    if more is not None:
        topic, label = more
        rows.append([_button(label, Action.TOPIC, topic)])
    if human is not None:
        rows.append([_button(phrase("talk_to_recruiter", human), Action.HUMAN)])
    rows += [[_button(title, Action.TOPIC, topic)] for topic, title in related]
    return InlineKeyboardMarkup(rows) if rows else None


def clarify(choices: Sequence[tuple[str, str]], lang: str) -> InlineKeyboardMarkup:
    """ "Did you mean" choices, then "none of these"."""
    rows = [[_button(title, Action.CHOICE, topic)] for topic, title in choices]
    rows.append([_button(phrase("none_of_these", lang), Action.NONE)])
    return InlineKeyboardMarkup(rows)


def human(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(phrase("talk_to_recruiter", lang), Action.HUMAN)]])


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(LANGUAGE_NAMES[lang], Action.LANGUAGE, lang) for lang in LANGUAGES]]
    )


def forget(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(phrase("forget_yes", lang), Action.FORGET, "yes"),
                _button(phrase("forget_no", lang), Action.FORGET, "no"),
            ]
        ]
    )


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard once the candidate has voted: the related topics stay."""
    if markup is None:
        return None
    rows = [row for row in markup.inline_keyboard if not any(_is_feedback(b) for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None


def _is_feedback(button: InlineKeyboardButton) -> bool:
    parsed = parse(str(button.callback_data))
    return parsed is not None and parsed.action in (Action.HELPFUL, Action.UNHELPFUL)

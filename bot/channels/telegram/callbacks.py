"""callback_data of every inline button: short, prefixed, parsed in this one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_CALLBACK_BYTES = 64  # Telegram's limit


class Action(StrEnum):
    TOPIC = "t"  # answer a topic (topic list, related topics)
    CHOICE = "c"  # a "did you mean" choice
    NONE = "n"  # "none of these"
    HUMAN = "h"  # talk to a recruiter
    HELPFUL = "f1"  # 👍 on a stored answer
    UNHELPFUL = "f0"  # 👎
    LANGUAGE = "l"
    FORGET = "x"  # erase my data: value "yes" or "no"


@dataclass(frozen=True, slots=True)
class Button:
    action: Action
    value: str = ""

    @property
    def data(self) -> str:
        """The callback_data; ValueError if Telegram would refuse it."""
        data = f"{self.action.value}:{self.value}"
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data


def parse(data: str | None) -> Button | None:
    """The button behind `data`, or None for data this bot never made."""
    action, sep, value = (data or "").partition(":")
    if not sep:
        return None
    try:
        return Button(Action(action), value)
    except ValueError:
        return None

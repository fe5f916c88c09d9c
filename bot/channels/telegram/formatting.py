"""Replies as Telegram HTML messages: escaped, titles in bold, split under 4096 characters."""

from __future__ import annotations

import html
from collections.abc import Iterable

from bot.core.dialogue import Section

MAX_MESSAGE_CHARS = 4096  # Telegram's limit on one message
_BREAKS = ("\n\n", "\n", ". ", " ")


def escape(text: str) -> str:
    """Text for Telegram HTML: only <, > and & need escaping."""
    return html.escape(text, quote=False)


def section_html(section: Section) -> str:
    body = escape(section.body)
    if section.quote:  # the posting's own words, set apart from the bot's
        body = f"{body}\n<i>{escape(section.quote)}</i>"
    return f"<b>{escape(section.title)}</b>\n{body}" if section.title else body


def messages_html(sections: Iterable[Section], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The sections as few HTML messages as fit, none over `limit` characters even
    before Telegram parses the entities, each section whole where it fits."""
    messages: list[str] = []
    current = ""
    for section in sections:
        for piece in _section_pieces(section, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _section_pieces(section: Section, limit: int) -> list[str]:
    whole = section_html(section)
    if len(whole) <= limit:
        return [whole]
    title = f"<b>{escape(section.title)}</b>\n" if section.title else ""
    quote = f"\n<i>{escape(section.quote)}</i>" if section.quote else ""
    pieces = [escape(part) for part in split_text(section.body, limit - len(title) - len(quote))]
    pieces[0] = title + pieces[0]
    pieces[-1] += quote
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts whose escaped HTML fits `limit`, cut at a paragraph, line,
    sentence or word boundary when there is one."""
    parts: list[str] = []
    rest = text.strip()
    while len(escape(rest)) > limit:
        cut = _fitting_prefix(rest, limit)
        head = rest[:cut]
        for mark in _BREAKS:
            at = head.rfind(mark)
            if at > len(head) // 2:  # never leave a tiny part behind
                cut = at + len(mark)
                break
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int) -> int:
    """The longest prefix length whose escaped form fits `limit`."""
    low, high = 1, min(len(text), limit)
    while low < high:
        mid = (low + high + 1) // 2
        if len(escape(text[:mid])) <= limit:
            low = mid
        else:
            high = mid - 1
    return low

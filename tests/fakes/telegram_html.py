"""Telegram's HTML parse mode, as the Bot API applies it to a message text.

The fake Bot API needs the visible text (the 4096 limit counts it, not the markup) and the
entities (so PTB can rebuild `Message.text_html`). Telegram is stricter than a browser: only a
few tags exist, tags must close in order, and a bare "<" is an error, which is how an unescaped
user text breaks a bot in production.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
}
# Every "<" must open a complete tag; anything else is a parse error in Telegram.
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


class HtmlEntityError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(raw: str) -> tuple[str, list[dict[str, Any]]]:
    """The visible text and its entities; raises HtmlEntityError like Telegram would."""
    for match in re.finditer("<", raw):
        if not _TAG.match(raw, match.start()):
            offset = len(raw[: match.start()].encode())
            following = raw[match.start() + 1 : match.start() + 2]
            if following.isalpha() or following == "/":
                raise HtmlEntityError(f"Unclosed start tag at byte offset {offset}")
            raise HtmlEntityError(f'Unsupported start tag "" at byte offset {offset}')
    parser = _TelegramHtml(raw)
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts), sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, moving the entities along."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        stop = min(end, entity["offset"] + entity["length"] - lead)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


class _TelegramHtml(HTMLParser):
    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=True)
        self._raw = raw
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._length = 0  # visible text so far, in UTF-16 code units
        self._open: list[tuple[str, int, dict[str, Any] | None]] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self._raw[: self._line_starts[line - 1] + column].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ENTITY_TYPES:
            raise HtmlEntityError(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        attributes = dict(attrs)
        entity: dict[str, Any] | None = {"type": _ENTITY_TYPES[tag]}
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlEntityError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}'
            )
        if tag == "a":
            entity = (
                {"type": "text_link", "url": attributes["href"]} if attributes.get("href") else None
            )
        elif tag == "blockquote" and "expandable" in attributes:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            # <pre><code class="language-python"> is one pre entity with a language.
            language = (attributes.get("class") or "").removeprefix("language-")
            pre = self._open[-1][2]
            if pre is not None and language and self._open[-1][1] == self._length:
                pre["language"] = language
                entity = None
        self._open.append((tag, self._length, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise HtmlEntityError(
            f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}'
        )

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise HtmlEntityError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        name, start, entity = self._open.pop()
        if name != tag:
            raise HtmlEntityError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{name}>", found "</{tag}>"'
            )
        if entity is not None and self._length > start:
            self.entities.append({**entity, "offset": start, "length": self._length - start})

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._length += utf16_len(data)

    def close(self) -> None:
        super().close()
        if self._open:
            raise HtmlEntityError(
                f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"'
            )

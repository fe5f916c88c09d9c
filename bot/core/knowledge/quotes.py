"""The posting's own text: what a fact's quote must be found in, and what it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.text import words

_SPACES = re.compile(r"\s+")
# Typographic variants an admin types plainly: ’ as ', – as -.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normal_quote(text: str) -> str:
    """Whitespace collapsed, case folded, typographic quotes and dashes made plain."""
    return _SPACES.sub(" ", text.translate(_PLAIN)).strip().casefold()


@dataclass(frozen=True, slots=True)
class SourceText:
    """A posting's text, normalised once for quote checks and word lookups."""

    path: Path
    normal: str
    tokens: str  # " word word ... ", folded, for whole-word lookups

    @classmethod
    def of(cls, path: Path, text: str) -> SourceText:
        return cls(path, normal_quote(text), f" {' '.join(words(text, limit=None))} ")

    @classmethod
    def combined(cls, first: SourceText | None, second: SourceText | None) -> SourceText | None:
        """Both texts as one, for a posting whose topics quote the company's text too."""
        if first is None or second is None or first.path == second.path:
            return first or second
        return cls(first.path, f"{first.normal}\n{second.normal}", first.tokens + second.tokens)

    def quotes(self, quote: str) -> bool:
        """Whether `quote` is the posting's exact words, whitespace and case aside."""
        return normal_quote(quote) in self.normal

    def mentions(self, phrase: str) -> bool:
        """Whether the text names `phrase` as whole words, accents and case aside."""
        tokens = words(phrase)
        return bool(tokens) and f" {' '.join(tokens)} " in self.tokens


def read_source(yaml_file: Path, name: str) -> SourceText | None:
    """The text `name` refers to, looked up beside the YAML file, then up to two folders
    above it (a posting in knowledge/postings/ names seeds/... from the repository root)."""
    for folder in yaml_file.parents[:3]:
        candidate = folder / name
        if candidate.is_file():
            try:
                return SourceText.of(candidate, candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return None
    return None

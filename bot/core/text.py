"""Text normalisation and tokenisation shared by the index and the queries."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from stop_words import get_stop_words

_OURS = ("en", "fr", "es")

# Long messages are matched on their beginning only: the question is almost
# always there, and this bounds the work done per message.
MAX_MATCH_CHARS = 1000

_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Drop control and format characters and collapse whitespace; keep accents and case."""
    kept = (
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    return _SPACES.sub(" ", "".join(kept)).strip()


def fold(text: str) -> str:
    """Lower-case, strip accents and compatibility forms: 'Télé-Travail' -> 'tele-travail'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str, limit: int | None = MAX_MATCH_CHARS) -> list[str]:
    """Folded word tokens of at least two characters; emoji and punctuation are dropped."""
    return [w for w in _WORD.findall(fold(text[:limit])) if len(w) > 1]


def latin_share(text: str) -> float:
    """Share of the letters in `text` that are Latin, used to spot other scripts."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters)


@cache
def function_words(lang: str) -> frozenset[str]:
    """The stop words of `lang` (stop-words lists), folded as `words` folds them."""
    return frozenset(w for s in get_stop_words(lang) for w in words(s))


def content_words(text: str) -> list[str]:
    """The words of `text` that are not function words in any of our languages."""
    return [w for w in words(text) if not any(w in function_words(lang) for lang in _OURS)]

"""Which language a candidate writes in.

py3langid's n-gram model reads longer sentences well but guesses at one or two
words ("hola", "remote?"). The knowledge base's own vocabulary is the better
witness there, so both are combined, and a conversation's current language
breaks ties. Only the candidate's own words count: quoted words ("Télétravail
fréquent", copied from the posting) and technical words every language borrows
(monolith, microservices, squad) are set aside first, and a message too short to
tell ("ok", "CDI ?") keeps the conversation's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache, cached_property
from typing import Any

from stop_words import get_stop_words

from bot.core import specifics
from bot.core.knowledge import LANGUAGES
from bot.core.text import latin_share, words

# Languages py3langid chooses among: ours plus the ones candidates may plausibly
# write in, so that a German question is recognised as such.
_CANDIDATES = (
    *LANGUAGES,
    *("de", "it", "pt", "nl", "ca", "ro", "pl", "sv", "da", "no", "fi", "cs", "tr", "id"),
    *("ru", "uk", "ar", "zh", "ja", "ko", "el", "he", "hi", "th", "fa"),
)
# Candidates write mostly in our languages: another language needs at least
# this many words and must beat ours with its n-gram probability scaled down.
_OTHER_MIN_WORDS = 2
_OTHER_PRIOR = 0.5
# Weight of the knowledge base's vocabulary against the n-gram model.
_VOCABULARY_WEIGHT = 2.0
# Below this lead, a message keeps the conversation's language.
_TIE_MARGIN = 0.25
# At most this many words of the candidate's own: too few to tell a language.
_SHORT = 2
# Weight of accented function words found in one of our languages only ("qué", "cómo",
# "où", "ça"): spelling the n-gram model underweights in a three-word message.
_ACCENTED_WEIGHT = 2.0
# Quoted text: the candidate's words are around it, not inside.
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|„[^“”]*[“”]")
# Words of the trade that candidates write in English whatever their language.
_BORROWED = frozenset(
    words(
        "squad squads chapter backend frontend fullstack full stack remote staff engineer"
        " engineers build run it product manager code review live coding pair programming"
        " on call oncall take home screening team fit values senior junior startup job"
        " feature features release sprint stack tech ok okay cool top super hackathon hackathons"
    )
)


def own_words(text: str) -> str:
    """The candidate's own words: quotes, technical names and borrowed words removed."""
    text = _QUOTED.sub(" ", text)
    named = specifics.find(text)
    drop = {
        w
        for s in named
        if s.kind in ("technology", "concept", "practice")
        for w in words(s.surface)
    }
    kept = [w for w in re.findall(r"\S+", text) if not (set(words(w)) & (drop | _BORROWED))]
    return " ".join(kept)


class LanguageDetector:
    """Guesses en, fr, es or another ISO 639-1 code for a message."""

    @cached_property
    def _model(self) -> Any:  # py3langid is untyped
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        model = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
        model.set_languages(list(_CANDIDATES))
        return model

    def warm_up(self) -> None:
        """Load the model now rather than on the first question."""
        self._model.classify("warm up")
        _accented_function_words()

    def detect(
        self,
        text: str,
        known_share: Callable[[str], Mapping[str, float]],
        hint: str | None = None,
    ) -> str:
        """The language of the candidate's own words in `text`; `known_share` gives each
        language's vocabulary coverage of a text."""
        own = own_words(text)
        tokens = words(own)
        if not tokens:
            tokens, own = words(text), text
        if not tokens:
            return hint or "en"
        shares = known_share(own)
        if hint in LANGUAGES and len(tokens) <= _SHORT and not _clearly_other(shares, hint):
            return hint
        return self._detect(own, tokens, shares, hint)

    def _detect(
        self, text: str, tokens: list[str], known_share: Mapping[str, float], hint: str | None
    ) -> str:
        # The raw text, accents included: they are strong clues to the language.
        probs = {str(lang): float(p) for lang, p in self._model.rank(text)}
        top_lang = max(probs, key=probs.__getitem__)
        if latin_share(text) < 0.5 and top_lang not in LANGUAGES:
            return top_lang
        scores = {
            lang: probs.get(lang, 0.0) + _VOCABULARY_WEIGHT * known_share.get(lang, 0.0)
            for lang in LANGUAGES
        }
        raw = re.findall(r"\w+", text.lower())
        for lang, found in _accented_function_words().items():
            scores[lang] += _ACCENTED_WEIGHT * sum(w in found for w in raw) / max(1, len(raw))
        if "¿" in text or "¡" in text:  # only Spanish opens questions this way
            scores["es"] += 1.0
        best = max(scores, key=scores.__getitem__)
        if (
            top_lang not in LANGUAGES
            and len(tokens) >= _OTHER_MIN_WORDS
            and _OTHER_PRIOR * probs[top_lang] > scores[best]
        ):
            return top_lang
        if hint in scores and hint != best and scores[best] - scores[hint] < _TIE_MARGIN:
            return hint
        return best


@cache
def _accented_function_words() -> dict[str, frozenset[str]]:
    """Per language, the accented stop words (stop-words lists) no other of ours has."""
    lists = {
        lang: {w for s in get_stop_words(lang) for w in re.findall(r"\w+", s.lower())}
        for lang in LANGUAGES
    }
    return {
        lang: frozenset(
            w
            for w in lists[lang]
            if not w.isascii() and not any(w in lists[o] for o in LANGUAGES if o != lang)
        )
        for lang in LANGUAGES
    }


def _clearly_other(shares: Mapping[str, float], hint: str) -> bool:
    """A short message written wholly in another of our languages ("gracias" after
    English), not in words the conversation's language knows too, nor in a term two
    languages share ("CDI ?" in a Spanish conversation)."""
    whole = [lang for lang, v in shares.items() if v == 1.0]
    return shares.get(hint, 0.0) == 0.0 and len(whole) == 1

"""Questions that are not about the job even when they share its words.

"What is Docker?" asks for general knowledge: the stack topic would answer a
question nobody asked. A definition question is out of scope when all it names is
a technology or an engineering idea, not the job, the company or the posting.
"""

from __future__ import annotations

import re

from bot.core import specifics
from bot.core.text import fold, words

_DEFINITION = re.compile(
    r"^\s*(?:what\s+is|what's|whats|what\s+are|what\s+does|define|explain|meaning\s+of"
    r"|tell\s+me\s+(?:what|about)|how\s+does|how\s+do"
    r"|qu'?est[- ]ce\s+qu[e']|c'?est\s+quoi|ca\s+veut\s+dire\s+quoi|explique|definition"
    r"|que\s+es|que\s+son|que\s+significa|explica|como\s+funciona|definicion)",
)
# Words a definition question may have besides the name it asks about.
_FILLER = frozenset(
    words(
        "what is whats are does do mean means meaning define explain tell me about how work"
        " works exactly actually please simply briefly thing a an the in of to"
        " qu est ce que qu c quoi ca veut dire explique explique-moi moi definition exactement"
        " un une le la les des du de en simplement svp stp fonctionne marche"
        " que es son significa explica explicame como funciona definicion exactamente"
        " el la los las un una del por favor"
    )
)
_GENERAL_KINDS = frozenset({"technology", "concept", "practice"})
# Clock and calendar requests: "what time is it", "the date 5 days from now".
_CLOCK = re.compile(
    r"\b(?:what\s+time\s+(?:is\s+it|of\s+day)|what\s+time\s+it\s+is|the\s+time\s+now"
    r"|what(?:'s|s|\s+is)?\s+(?:the\s+)?(?:date|day)\s+(?:today|is\s+it|it\s+is)"
    r"|what\s+(?:date|day)\s+will\s+it\s+be|days?\s+from\s+(?:now|today)"
    r"|quelle\s+heure|quel\s+jour\s+(?:on\s+est|sommes|serons|est[- ]on)|on\s+est\s+quel\s+jour"
    r"|date\s+d'?aujourd'?hui|dans\s+\d+\s+jours\s+on"
    r"|que\s+hora\s+es|que\s+dia\s+es\s+hoy|que\s+fecha\s+es|fecha\s+de\s+hoy"
    r"|dentro\s+de\s+\d+\s+dias\s+que|que\s+dia\s+sera)\b",
)


def is_general_knowledge(text: str) -> bool:
    """A clock or calendar request, or a "what is X?" question whose X is a technology or
    idea, nothing of the job."""
    folded = fold(text)
    if _CLOCK.search(folded):
        return True
    if not _DEFINITION.match(folded):
        return False
    named = [s for s in specifics.find(text) if s.kind in _GENERAL_KINDS]
    if not named:
        return False
    named_words = {w for s in named for w in words(s.surface)}
    return all(w in _FILLER or w in named_words for w in words(folded))

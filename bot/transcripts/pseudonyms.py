"""Stable pseudonyms for exports: the same candidate gets the same name in every export.

A pseudonym is HMAC-SHA256 of the candidate key under a secret salt kept in
the database (`meta`, key 'pseudonym_salt'). Without the salt, nobody can
recompute it from a Telegram id; with it, exports of different days still
line up. Creating the salt is the only write of the read-only tools.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re

from bot.store.connections import Database
from bot.store.queries import Transcript

SALT_KEY = "pseudonym_salt"
# Identifiers this short ("Al", "42") would also hit ordinary words in the text.
MIN_SCRUBBED_LENGTH = 3


def salt(database: Database) -> str:
    """The database's pseudonym salt, created on first use through a short write."""
    return database.meta_value(SALT_KEY)


class Pseudonymizer:
    """Replaces who a candidate is with 'candidate-3f9a1c2b'."""

    def __init__(self, salt: str) -> None:
        self._key = salt.encode()

    def pseudonym(self, candidate: str) -> str:
        digest = hmac.new(self._key, candidate.encode(), hashlib.sha256).hexdigest()
        return f"candidate-{digest[:8]}"

    def apply(self, transcript: Transcript) -> Transcript:
        """The transcript with names, usernames, keys and ids replaced, in the text too.

        Only these known identifiers are replaced in message texts: anything else a
        candidate typed about themselves (an e-mail, a phone number) stays.
        """
        summary = transcript.summary
        alias = self.pseudonym(summary.candidate)
        scrub = _scrubber(
            [summary.candidate, summary.external_id, summary.display_name, summary.username],
            alias,
        )
        return dataclasses.replace(
            transcript,
            summary=dataclasses.replace(
                summary,
                candidate=alias,
                external_id=alias,
                display_name=alias,
                username=alias if summary.username else None,
            ),
            messages=tuple(dataclasses.replace(m, text=scrub(m.text)) for m in transcript.messages),
        )


def _scrubber(identifiers: list[str | None], alias: str) -> _Scrub:
    kept = sorted(
        {i for i in identifiers if i and len(i) >= MIN_SCRUBBED_LENGTH}, key=len, reverse=True
    )
    if not kept:
        return _Scrub(None, alias)
    alternatives = "|".join(re.escape(i) for i in kept)
    return _Scrub(re.compile(rf"(?<!\w)@?(?:{alternatives})(?!\w)", re.IGNORECASE), alias)


@dataclasses.dataclass(frozen=True, slots=True)
class _Scrub:
    pattern: re.Pattern[str] | None
    alias: str

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.alias, text) if self.pattern else text

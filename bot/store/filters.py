"""`ConversationFilter`: which conversations a list, an export, a report or the console's
inbox covers, with one meaning everywhere, and the SQL condition that finds them.

Search goes through a full-text index (FTS5's `messages_fts` on SQLite, a GIN index on
PostgreSQL), never with the recruiter's raw text: `fts_query` and `tsquery` rebuild a
query from the words they find.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import Connection

from bot.core.vocabulary import Direction, Outcome, Status
from bot.store.periods import Period
from bot.store.sql import is_sqlite, storable

MAX_SEARCH_CHARS = 200
MAX_SEARCH_TOKENS = 8
MAX_TOKEN_CHARS = 40
MIN_PREFIX_CHARS = 2
# A word as FTS5's unicode61 tokenizer sees one: letters and digits (L*, N*), no "_".
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """Which conversations: all of these conditions hold (an empty filter keeps all)."""

    period: Period = field(default_factory=Period)  # active at some time during it
    posting: str | None = None
    lang: str | None = None  # the candidate wrote at least one message in it
    outcome: str | None = None  # at least one message with this outcome
    unanswered: bool = False  # the bot fell back at least once
    handed_off: bool = False  # handed off now, or a hand-off at some point
    unhelpful: bool = False  # a reply got a 👎
    unreviewed: bool = False  # not reviewed since its last activity
    search: str = ""  # words of its messages, or the candidate's name, as typed


def conditions(db: Connection, wanted: ConversationFilter) -> tuple[str, list[object]]:
    """The WHERE clause over `conversations c` for `wanted`, and its parameters. Every
    condition is indexed or an EXISTS on one conversation's messages."""
    where, params = scope(
        wanted.period, wanted.posting, lower="c.last_activity_at", upper="c.started_at"
    )
    if wanted.lang:
        where.append(
            "EXISTS (SELECT 1 FROM messages l WHERE l.lang = ? AND l.conversation = c.id AND "
            + WROTE.format(m="l")
            + ")"
        )
        params.append(wanted.lang.casefold())
    if wanted.outcome:
        where.append(_HAS_OUTCOME.format(outcome="?"))
        params.append(wanted.outcome)
    where += [sql for flag, sql in _FLAGS.items() if getattr(wanted, flag)]
    if (match := search_query(db, wanted.search)) is not None:
        # A message's words, or the candidate's name or @username.
        words = _MATCHING_CONVERSATIONS if is_sqlite(db) else _PG_MATCHING_CONVERSATIONS
        where.append(
            f"""(c.id IN ({words}) OR c.candidate IN (SELECT key FROM candidates
                WHERE lower(display_name) LIKE lower(?) ESCAPE '\\'
                    OR lower(username) LIKE lower(?) ESCAPE '\\'))"""
        )
        name = "%" + _like_escaped(storable(wanted.search).strip().lstrip("@")) + "%"
        params += [match, name, name]
    return " AND ".join(where) or "1=1", params


def scope(
    period: Period,
    posting: str | None,
    *,
    lower: str,
    upper: str,
    posting_column: str = "c.posting",
) -> tuple[list[str], list[object]]:
    """SQL conditions and their parameters for a period (`lower` >= its start, `upper` <
    its end) and, if given, a posting."""
    where: list[str] = []
    params: list[object] = []
    if period.lower:
        where.append(f"{lower} >= ?")
        params.append(period.lower)
    if period.upper:
        where.append(f"{upper} < ?")
        params.append(period.upper)
    if posting:
        where.append(f"{posting_column} = ?")
        params.append(posting)
    return where, params


# A message the candidate wrote (not a command such as "1" picking a suggestion).
WROTE = (
    f"{{m}}.direction = '{Direction.IN}' AND "
    f"({{m}}.outcome IS NULL OR {{m}}.outcome <> '{Outcome.COMMAND}')"
)
# "Has a message with this outcome", from the index messages_by_outcome_conversation alone.
# No direction is needed: answer, clarify and fallback are only ever on the bot's replies,
# and "handoff" on either side (the candidate's question passed on, the bot's notice) is
# a hand-off.
_HAS_OUTCOME = (
    "EXISTS (SELECT 1 FROM messages o WHERE o.outcome = {outcome} AND o.conversation = c.id)"
)

# The yes/no conditions of ConversationFilter, by field.
_FLAGS: dict[str, str] = {
    "unanswered": _HAS_OUTCOME.format(outcome=f"'{Outcome.FALLBACK}'"),
    "handed_off": f"(c.status = '{Status.HANDED_OFF}' OR "
    + _HAS_OUTCOME.format(outcome=f"'{Outcome.HANDOFF}'")
    + ")",
    # Few messages get a vote: start from the votes.
    "unhelpful": """c.id IN (SELECT b.conversation FROM feedback f
        JOIN messages b ON b.id = f.message WHERE f.helpful = 0)""",
    "unreviewed": """NOT EXISTS (SELECT 1 FROM conversation_reviews r
        WHERE r.conversation = c.id AND r.reviewed_at >= c.last_activity_at)""",
}


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_query(text: str) -> str | None:
    """A safe FTS5 query for the recruiter's `text`, or None when it has no word.

    The words (runs of Unicode letters and digits, as FTS5's tokenizer sees them) are
    each quoted as an FTS5 string, so no operator, column filter or syntax in `text`
    ever reaches MATCH; all must occur, the last as a prefix ("sal" finds "salary")
    unless it is a single character (all the words starting with "r" are no search).
    At most MAX_SEARCH_TOKENS words of at most MAX_TOKEN_CHARS characters are kept.
    Accents need no care: the index ignores them ("cual" finds "¿Cuál").
    """
    words = WORD.findall(unicodedata.normalize("NFKC", text[: MAX_SEARCH_CHARS * 4]))
    words = words[:MAX_SEARCH_TOKENS]
    if not words:
        return None
    quoted = ['"' + word[:MAX_TOKEN_CHARS].replace('"', '""') + '"' for word in words]
    if len(words[-1]) >= MIN_PREFIX_CHARS:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def tsquery(text: str) -> str | None:
    """`fts_query` for PostgreSQL: the same words, all required, the last as a prefix, as
    to_tsquery input. Words are letters and digits only, so no tsquery syntax gets in."""
    words = WORD.findall(unicodedata.normalize("NFKC", text[: MAX_SEARCH_CHARS * 4]))
    words = [word[:MAX_TOKEN_CHARS] for word in words[:MAX_SEARCH_TOKENS]]
    if not words:
        return None
    if len(words[-1]) >= MIN_PREFIX_CHARS:
        words[-1] += ":*"
    return " & ".join(words)


def search_query(db: Connection, text: str) -> str | None:
    """The search condition's query in the database's own syntax, None without a search."""
    if not text:
        return None
    return fts_query(text) if is_sqlite(db) else tsquery(text)


# The conversations with a message matching the search (its parameter).
_MATCHING_CONVERSATIONS = """SELECT s.conversation FROM messages s WHERE s.rowid IN
    (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)"""
PG_QUERY = "to_tsquery('simple', unaccent('unaccent', ?))"
_PG_MATCHING_CONVERSATIONS = (
    f"SELECT s.conversation FROM messages s WHERE hirebot_words(s.text) @@ {PG_QUERY}"
)

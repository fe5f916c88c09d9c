"""The console's inbox: filtered, searched and paginated conversations (sync, read-only SQL).

Every filter is an indexed or EXISTS condition on `conversations`, so a page is
found without aggregating the whole store; the figures a row shows (message
count, languages, badges, a search snippet) are computed for that page's rows
only. Search goes through a full-text index (FTS5's `messages_fts` on SQLite, a GIN
index on PostgreSQL), never with the recruiter's raw text: `fts_query` and `tsquery`
rebuild a query from the words they find.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import Connection, RowMapping

from bot.core.vocabulary import Outcome
from bot.store import queries
from bot.store.filters import (
    MAX_SEARCH_CHARS,
    PG_QUERY,
    WORD,
    WROTE,
    ConversationFilter,
    fts_query,
    search_query,
)
from bot.store.periods import Period, parse_day
from bot.store.sql import is_sqlite, run, storable

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000  # beyond it OFFSET would overflow SQLite's integers
# Outcomes a recruiter filters on (small talk and commands are not worth a filter).
OUTCOMES: dict[str, str] = {
    Outcome.ANSWER: "Answered",
    Outcome.CLARIFY: "Asked to clarify",
    Outcome.FALLBACK: "Fell back (no answer)",
    Outcome.NOT_STATED: "Not in the posting (said so)",
    Outcome.HANDOFF: "Handed to a recruiter",
}
BADGES: dict[str, str] = {
    "unanswered": "Unanswered",
    "handed_off": "Handed off",
    "unhelpful": "👎 Not helpful",
    "unreviewed": "Not reviewed",
}
SNIPPET_TOKENS = 12
# snippet() marks each hit with these; `_snippet_parts` splits on them. A candidate's own
# text containing them can only misplace a highlight: every part is escaped as text.
HIT_START, HIT_END = "\x02", "\x03"
_LANG_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True, slots=True)
class InboxFilters:
    """Which conversations the inbox shows, and which page of them.

    `lang` keeps conversations in which the candidate wrote at least one message in
    that language. `since`/`until` keep conversations active at some time during
    those whole UTC days. `search` is the recruiter's text as typed (see `fts_query`).
    """

    posting: str | None = None
    lang: str | None = None
    outcome: str | None = None  # one of OUTCOMES: at least one message with it
    badge: str | None = None  # one of BADGES
    since: date | None = None
    until: date | None = None
    search: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    def __post_init__(self) -> None:
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.badge is not None and self.badge not in BADGES:
            raise ValueError(f"unknown badge {self.badge!r}")
        if not 1 <= self.page <= MAX_PAGE:
            raise ValueError(f"page {self.page} out of range")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size {self.page_size} out of range")

    @property
    def period(self) -> Period:
        return Period(self.since, self.until)

    @property
    def wanted(self) -> ConversationFilter:
        """The conversations these filters keep (the page aside)."""
        flags = {self.badge: True} if self.badge else {}
        return ConversationFilter(
            period=self.period,
            posting=self.posting,
            lang=self.lang,
            outcome=self.outcome,
            search=self.search,
            **flags,
        )

    @property
    def active(self) -> bool:
        """Some filter or a search narrows the list (the page number aside)."""
        return replace(self, page=1) != InboxFilters(page_size=self.page_size)

    def params(self, *, page: int | None = None) -> dict[str, str]:
        """The query-string values that `parse_filters` reads back into these filters;
        the page only if `page` is given and is not 1."""
        values = {
            "posting": self.posting or "",
            "lang": self.lang or "",
            "outcome": self.outcome or "",
            "badge": self.badge or "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.search,
        }
        if self.page_size != PAGE_SIZE:
            values["size"] = str(self.page_size)
        if page is not None and page != 1:
            values["page"] = str(page)
        return {key: value for key, value in values.items() if value}

    def query(self, *, page: int | None = None) -> str:
        """A URL query string (without "?") for these filters: for pagination links pass
        the page, for the export link leave it out."""
        return urlencode(self.params(page=page))


def parse_filters(params: Mapping[str, str]) -> tuple[InboxFilters, list[str]]:
    """Read the inbox's query-string values. A bad value is left out of the filters and
    explained, in words a recruiter understands, in the returned list of errors.

    Empty values mean "any". Dates are YYYY-MM-DD ('today', 'yesterday' and '7d' also
    work). A search longer than MAX_SEARCH_CHARS is cut there.
    """
    errors: list[str] = []
    values: dict[str, object] = {}

    def text(name: str) -> str:
        return str(params.get(name) or "").strip()

    if posting := storable(text("posting")):
        values["posting"] = posting
    if lang := text("lang").casefold():
        if _LANG_CODE.fullmatch(lang):
            values["lang"] = lang
        else:
            errors.append(
                f"“{_shown(lang)}” is not a language code; use a code such as en, fr or es."
            )
    if outcome := text("outcome").casefold():
        if outcome in OUTCOMES:
            values["outcome"] = outcome
        else:
            errors.append(f"“{_shown(outcome)}” is not an outcome; choose one from the list.")
    if badge := text("badge").casefold():
        if badge in BADGES:
            values["badge"] = badge
        else:
            errors.append(f"“{_shown(badge)}” is not a badge; choose one from the list.")
    for name, label in (("since", "From"), ("until", "To")):
        if raw := text(name):
            try:
                values[name] = parse_day(raw)
            except ValueError:
                errors.append(
                    f"The “{label}” date “{_shown(raw)}” is not a date; "
                    "use YYYY-MM-DD, for example 2025-06-01."
                )
    since, until = values.get("since"), values.get("until")
    if isinstance(since, date) and isinstance(until, date) and since > until:
        errors.append(
            f"The “From” date ({since}) is after the “To” date ({until}); showing all dates."
        )
        del values["since"], values["until"]
    if search := text("q")[:MAX_SEARCH_CHARS]:
        values["search"] = search
        if fts_query(search) is None:
            errors.append("Search needs at least one letter or digit, so it was left out.")
    for name, limit, what in (("page", MAX_PAGE, "page number"), ("size", MAX_PAGE_SIZE, "size")):
        if raw := text(name):
            number = _positive(raw, limit)
            if number is None:
                errors.append(
                    f"“{_shown(raw)}” is not a {what}; use a whole number from 1 to {limit}."
                )
            else:
                values["page" if name == "page" else "page_size"] = number
    return InboxFilters(**values), errors  # type: ignore[arg-type]


def _positive(text: str, limit: int) -> int | None:
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= limit else None


def _shown(value: str) -> str:
    """A bad value quoted back to the recruiter, shortened."""
    return value if len(value) <= 40 else value[:39] + "…"


# Each matching message of the page's conversations (`ids`), with its snippet: the
# candidate's own messages first. With "rowid IN (...)" FTS5 would run the whole query
# again for each rowid; "+" keeps the test out of its hands.
_SNIPPETS = f"""SELECT m.conversation, m.seq,
    snippet(messages_fts, 0, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet
FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
WHERE messages_fts MATCH ? AND +messages_fts.rowid IN
    (SELECT p.rowid FROM messages p WHERE {{ids}})
ORDER BY m.conversation, m.direction = 'out', m.seq"""
# PostgreSQL's ts_headline would miss "Cuál" for "cual": `_marked` makes the snippet.
_PG_SNIPPETS = f"""SELECT m.conversation, m.seq, m.text AS snippet
FROM messages m
WHERE hirebot_words(m.text) @@ {PG_QUERY} AND {{ids}}
ORDER BY m.conversation, m.direction = 'out', m.seq"""


# -- the page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One conversation as the inbox lists it."""

    id: str
    candidate: str
    display_name: str | None
    username: str | None
    posting: str
    status: str
    started_at: str
    last_activity_at: str
    messages: int
    languages: tuple[str, ...]  # the candidate's languages, the most used first
    unanswered: bool  # a fallback reply
    handed_off: bool  # handed off now, or a handoff reply at some point
    unhelpful: bool  # a reply got a 👎
    reviewed_by: str | None
    reviewed_at: str | None
    # For a search: the best matching message, as (text, is_hit) parts, and its seq.
    snippet: tuple[tuple[str, bool], ...] = ()
    snippet_seq: int | None = None

    @property
    def reviewed(self) -> bool:
        """Reviewed since its last activity (a new message makes it unreviewed again)."""
        return self.reviewed_at is not None and self.reviewed_at >= self.last_activity_at

    @property
    def short_id(self) -> str:
        return self.id[: queries.SHORT_ID]

    @property
    def who(self) -> str:
        return queries.who(self.display_name, self.username, self.candidate)


@dataclass(frozen=True, slots=True)
class InboxPage:
    filters: InboxFilters
    rows: tuple[InboxRow, ...]
    total: int  # conversations matching the filters, over all pages
    searched: bool = False  # a search condition applied (the text had a word)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.filters.page_size))

    @property
    def has_previous(self) -> bool:
        return self.filters.page > 1

    @property
    def has_next(self) -> bool:
        return self.filters.page < self.pages

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list (1-based), 0 if none."""
        return (self.filters.page - 1) * self.filters.page_size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def inbox(db: Connection, filters: InboxFilters) -> InboxPage:
    """One page of matching conversations, the most recently active first."""
    match = search_query(db, filters.search)
    wanted = filters.wanted
    offset = (filters.page - 1) * filters.page_size
    if match is None:
        # Walking conversations_by_activity stops at the page: only the count sees them all.
        total = queries.count_conversations(db, wanted)
        page_ids = queries.conversation_ids(db, wanted, limit=filters.page_size, offset=offset)
    else:
        # A search's matches are gathered in full before any row comes out: gather them
        # once, for the count and the page together.
        ids = queries.conversation_ids(db, wanted)
        total = len(ids)
        page_ids = ids[offset : offset + filters.page_size]
    rows = _rows(db, page_ids)
    figures = _figures(db, page_ids)
    snippets = _snippets(db, page_ids, match) if match is not None else {}
    return InboxPage(
        filters=filters,
        rows=tuple(_row(rows[i], figures[i], snippets.get(i)) for i in page_ids if i in rows),
        total=total,
        searched=match is not None,
    )


def _in(column: str, values: Sequence[object]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _rows(db: Connection, ids: Sequence[str]) -> dict[str, RowMapping]:
    """The conversations `ids` with their candidate and review, by id."""
    if not ids:
        return {}
    rows = run(
        db,
        f"""SELECT c.id, c.candidate, k.display_name, k.username, c.posting, c.status,
            c.started_at, c.last_activity_at, r.reviewed_by, r.reviewed_at
        FROM conversations c
        LEFT JOIN candidates k ON k.key = c.candidate
        LEFT JOIN conversation_reviews r ON r.conversation = c.id
        WHERE {_in("c.id", ids)}""",
        list(ids),
    ).mappings()
    return {row["id"]: row for row in rows}


def _row(row: RowMapping, figures: _Figures, snippet: _Snippet | None) -> InboxRow:
    return InboxRow(
        id=row["id"],
        candidate=row["candidate"],
        display_name=row["display_name"],
        username=row["username"],
        posting=row["posting"],
        status=row["status"],
        started_at=row["started_at"],
        last_activity_at=row["last_activity_at"],
        messages=figures.messages,
        languages=figures.languages(),
        unanswered=figures.fallback > 0,
        handed_off=row["status"] == "handed_off" or figures.handoff > 0,
        unhelpful=figures.unhelpful > 0,
        reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"],
        snippet=snippet[1] if snippet else (),
        snippet_seq=snippet[0] if snippet else None,
    )


@dataclass(slots=True)
class _Figures:
    messages: int = 0
    fallback: int = 0
    handoff: int = 0
    unhelpful: int = 0
    by_lang: dict[str, int] = field(default_factory=dict)

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.by_lang, key=lambda lang: (-self.by_lang[lang], lang)))


def _figures(db: Connection, ids: Sequence[str]) -> dict[str, _Figures]:
    """Message counts, badges and languages of the conversations `ids`."""
    figures = {conversation: _Figures() for conversation in ids}
    if not ids:
        return figures
    rows = run(
        db,
        f"""SELECT m.conversation, m.lang, {WROTE.format(m="m")} AS wrote, count(*) AS n,
            count(CASE WHEN m.direction = 'out' AND m.outcome = 'fallback' THEN 1 END) AS fallback,
            count(CASE WHEN m.outcome = 'handoff' THEN 1 END) AS handoff,
            count(CASE WHEN f.helpful = 0 THEN 1 END) AS unhelpful
        FROM messages m LEFT JOIN feedback f ON f.message = m.id
        WHERE {_in("m.conversation", ids)}
        GROUP BY m.conversation, m.lang, wrote""",
        list(ids),
    ).mappings()
    for row in rows:
        figure = figures[row["conversation"]]
        figure.messages += row["n"]
        figure.fallback += row["fallback"]
        figure.handoff += row["handoff"]
        figure.unhelpful += row["unhelpful"]
        if row["wrote"] and row["lang"]:
            figure.by_lang[row["lang"]] = figure.by_lang.get(row["lang"], 0) + row["n"]
    return figures


_Snippet = tuple[int, tuple[tuple[str, bool], ...]]  # seq, parts


def _snippets(db: Connection, ids: Sequence[str], match: str) -> dict[str, _Snippet]:
    """For each conversation of `ids`, its first matching message (the candidate's own
    messages before the bot's): seq and snippet parts."""
    if not ids:
        return {}
    mark: Callable[[str], str]
    if is_sqlite(db):  # FTS5's snippet() marks the hits itself
        sql = _SNIPPETS.format(ids=_in("p.conversation", ids))
        params: list[object] = [HIT_START, HIT_END, match, *ids]
        mark = str
    else:
        sql = _PG_SNIPPETS.format(ids=_in("m.conversation", ids))
        params = [match, *ids]
        mark = functools.partial(_marked, query=match)
    found: dict[str, _Snippet] = {}
    for row in run(db, sql, params).mappings():
        if row["conversation"] not in found:
            found[row["conversation"]] = (row["seq"], _snippet_parts(mark(row["snippet"])))
    return found


def _marked(text: str, query: str) -> str:
    """`text` cut to SNIPPET_TOKENS words around its first hit of the tsquery `query`,
    each hit between HIT_START and HIT_END: what FTS5's snippet() gives on SQLite."""
    terms = [_folded(term.removesuffix(":*")) for term in query.split(" & ")]
    prefix = query.endswith(":*")
    words = list(WORD.finditer(text))

    def hit(word: str) -> bool:
        folded = _folded(word)
        return folded in terms or (prefix and folded.startswith(terms[-1]))

    hits = {i for i, word in enumerate(words) if hit(word.group())}
    if not hits:
        return text
    first = max(0, min(min(hits) - SNIPPET_TOKENS // 4, len(words) - SNIPPET_TOKENS))
    last = min(len(words), first + SNIPPET_TOKENS) - 1
    start = 0 if first == 0 else words[first].start()
    end = len(text) if last == len(words) - 1 else words[last].end()
    out, at = ["…" if start else ""], start
    for i in sorted(hits):
        if first <= i <= last:
            word = words[i]
            out += [text[at : word.start()], HIT_START, word.group(), HIT_END]
            at = word.end()
    out += [text[at:end], "…" if end < len(text) else ""]
    return "".join(out)


def _folded(word: str) -> str:
    """Case and accents left out, as unaccent and FTS5's remove_diacritics do."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _snippet_parts(text: str) -> tuple[tuple[str, bool], ...]:
    """snippet() output as (text, is_hit) parts, without the markers."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(text.split(HIT_START)):
        hit, _, rest = chunk.partition(HIT_END) if i else ("", "", chunk)
        if hit:
            parts.append((hit, True))
        if rest := rest.replace(HIT_END, ""):
            parts.append((rest, False))
    return tuple(parts)


# -- choices for the filter form -----------------------------------------------------------

# Each step seeks the next distinct value in an index (as queries.postings does), so the
# cost grows with the number of values, not of rows.
_DISTINCT_LANGS = """WITH RECURSIVE l(lang) AS (
    SELECT min(lang) FROM messages WHERE lang IS NOT NULL
    UNION ALL
    SELECT (SELECT min(lang) FROM messages WHERE lang > l.lang) FROM l WHERE l.lang IS NOT NULL)
SELECT lang FROM l WHERE lang IS NOT NULL"""


def language_choices(db: Connection) -> list[str]:
    """Every language a candidate wrote in (the `lang` filter's values), in order."""
    return [
        lang
        for (lang,) in run(db, _DISTINCT_LANGS).all()
        if run(
            db,
            f"SELECT 1 FROM messages m WHERE m.lang = ? AND {WROTE.format(m='m')} LIMIT 1",
            (lang,),
        ).first()
    ]


# -- export --------------------------------------------------------------------------------


def matching_ids(db: Connection, filters: InboxFilters) -> list[str]:
    """Every conversation matching `filters` (the page aside), in inbox order."""
    return queries.conversation_ids(db, filters.wanted)

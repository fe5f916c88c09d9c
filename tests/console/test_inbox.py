"""The inbox's SQL: every filter, search (safe FTS5 queries), pagination, badges, export."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import Connection

from bot.core.dialogue import Outcome
from bot.database_location import Location
from bot.store import TranscriptStore, queries
from bot.store import conversation as conversation_module
from bot.store import filters as filters_module
from bot.store import inbox as inbox_module
from bot.store.connections import Database, reading
from bot.store.conversation import ConversationLog
from bot.store.filters import ConversationFilter
from bot.store.inbox import (
    InboxFilters,
    fts_query,
    inbox,
    language_choices,
    matching_ids,
    parse_filters,
)
from bot.store.migrations.upgrade import upgrade_now
from bot.transcripts.export import write_csv
from tests.conftest import query
from tests.console.inbox_data import NAMES, InboxData, at, build_inbox_data, review
from tests.transcripts.conftest import TODAY, Clock, reply

DAY = timedelta(days=1)


@pytest.fixture
async def data(database: Location, monkeypatch: pytest.MonkeyPatch) -> InboxData:
    """The inbox's data on each database: a SQLite file, and a PostgreSQL database."""
    built = await build_inbox_data(database, monkeypatch)
    monkeypatch.undo()
    return built


@pytest.fixture
def db(data: InboxData):
    with reading(data.path) as connection:
        yield connection


def listed(db: Connection, data: InboxData, **filters: object) -> list[str]:
    """The names of the conversations the inbox lists (one big page)."""
    page = inbox(db, InboxFilters(page_size=100, **filters))  # type: ignore[arg-type]
    assert page.total == len(page.rows)
    return data.names([row.id for row in page.rows])


# -- rows ----------------------------------------------------------------------------------


def test_lists_everything_most_recently_active_first_with_figures(db, data: InboxData) -> None:
    page = inbox(db, InboxFilters())
    assert data.names([row.id for row in page.rows]) == list(NAMES)
    assert (page.total, page.pages, page.has_next, page.has_previous) == (6, 1, False, False)
    assert not page.searched
    rows = {name: row for name, row in zip(NAMES, page.rows, strict=True)}
    jane = rows["jane"]
    assert (jane.who, jane.username, jane.candidate) == ("Jane Doe", "janedoe", "telegram:1001")
    assert (jane.posting, jane.status, jane.messages, jane.languages) == (
        "backend",
        "open",
        8,
        ("en",),
    )
    assert jane.started_at == at(TODAY - 2 * DAY, 10, 2)
    assert jane.last_activity_at == at(TODAY - 2 * DAY, 10, 11)
    # The candidate's languages, most used first; marc's English reply is not his language.
    assert rows["pierre"].languages == ("fr", "en")
    assert rows["marc"].languages == ("de",)
    assert rows["marc"].who == "@marc_d"
    assert rows["ana"].snippet == () and rows["ana"].snippet_seq is None


def test_badges(db, data: InboxData) -> None:
    rows = {data.names([row.id])[0]: row for row in inbox(db, InboxFilters()).rows}
    badges = {
        name: {
            badge
            for badge in ("unanswered", "handed_off", "unhelpful", "reviewed")
            if getattr(row, badge)
        }
        for name, row in rows.items()
    }
    assert badges == {
        "ana": set(),
        "pierre": {"unanswered", "handed_off"},
        "jane": {"unanswered", "unhelpful"},  # her review predates her messages
        "lee": {"reviewed"},
        "marc": {"handed_off"},  # a handoff reply, though the status is still open
        "old": set(),
    }
    assert (rows["lee"].reviewed_by, rows["jane"].reviewed_by) == ("rita", "rita")
    assert rows["ana"].reviewed_by is None


# -- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"posting": "backend"}, ["pierre", "jane", "old"]),
        ({"posting": "frontend"}, ["ana", "lee"]),
        ({"posting": "nope"}, []),
        ({"lang": "en"}, ["pierre", "jane", "lee", "old"]),  # not marc: only the bot wrote en
        ({"lang": "fr"}, ["pierre"]),
        ({"lang": "de"}, ["marc"]),
        ({"outcome": "answer"}, ["ana", "pierre", "jane", "lee", "old"]),
        ({"outcome": "clarify"}, ["jane"]),
        ({"outcome": "fallback"}, ["pierre", "jane"]),
        ({"outcome": "handoff"}, ["pierre", "marc"]),
        ({"badge": "unanswered"}, ["pierre", "jane"]),
        ({"badge": "handed_off"}, ["pierre", "marc"]),
        ({"badge": "unhelpful"}, ["jane"]),
        ({"badge": "unreviewed"}, ["ana", "pierre", "jane", "marc", "old"]),
        ({"since": TODAY - DAY}, ["ana", "pierre"]),
        ({"until": TODAY - 3 * DAY}, ["lee", "marc", "old"]),
        ({"since": TODAY - 3 * DAY, "until": TODAY - 2 * DAY}, ["jane", "lee"]),
        ({"since": TODAY, "until": TODAY}, ["ana"]),  # until takes in the whole day
        ({"posting": "backend", "badge": "unanswered", "lang": "fr"}, ["pierre"]),
        ({"posting": "backend", "outcome": "answer", "until": TODAY - 2 * DAY}, ["jane", "old"]),
        ({"badge": "handed_off", "posting": "data", "since": TODAY - 5 * DAY}, ["marc"]),
        ({"badge": "unreviewed", "lang": "en", "search": "remote"}, ["jane", "old"]),
        ({"search": "visas", "posting": "backend", "since": TODAY - DAY}, ["pierre"]),
        ({"search": "visas", "badge": "unhelpful"}, ["jane"]),
    ],
)
def test_filters(db, data: InboxData, filters: dict[str, object], expected: list[str]) -> None:
    assert listed(db, data, **filters) == expected


async def test_a_conversation_spanning_the_period_overlaps_it(
    database: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started before `since` and active after `until`: it was active during the period."""
    clock = Clock()
    monkeypatch.setattr(conversation_module, "now", clock)
    async with TranscriptStore(database) as store:
        clock.set(TODAY - 10 * DAY, 9)
        log = ConversationLog(store, "web", "x", "backend")
        log.exchange(reply("first", Outcome.ANSWER), 1.0)
        clock.set(TODAY, 9)
        log.exchange(reply("last", Outcome.ANSWER), 1.0)
    with reading(database) as db:
        found = {
            (since, until): [r.id for r in inbox(db, InboxFilters(since=since, until=until)).rows]
            for since, until in [
                (TODAY - 5 * DAY, TODAY - 3 * DAY),
                (TODAY - 10 * DAY, TODAY - 10 * DAY),
                (TODAY - 11 * DAY, TODAY - 11 * DAY),
                (TODAY + DAY, None),
            ]
        }
    assert list(found.values()) == [[log.id], [log.id], [], []]


# -- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cual", ["ana"]),  # "¿Cuál": accents and case do not matter
        ("CUÁL", ["ana"]),
        ("teletravail", ["pierre"]),
        ("sal", ["ana", "pierre"]),  # the last word is a prefix: salario, salaire
        ("s", []),  # but not a single letter
        ("quel est le", ["pierre"]),
        ("sponsor visas", ["pierre", "jane"]),
        ("sponsor visas remote", []),  # every word must occur (in one message)
        ("remote", ["jane", "old"]),
        ("  remote?!  ", ["jane", "old"]),
        ("mil", ["ana"]),  # the bot's messages are searched too
        ("wie hoch", ["marc"]),
        ("nothing like this", []),
    ],
)
def test_search(db, data: InboxData, text: str, expected: list[str]) -> None:
    assert listed(db, data, search=text) == expected


def test_search_snippet_marks_the_hits_of_the_candidates_message(db, data: InboxData) -> None:
    page = inbox(db, InboxFilters(search="cual"))
    assert page.searched
    (row,) = page.rows
    assert row.snippet == (("¿", False), ("Cuál", True), (" es el salario?", False))
    assert row.snippet_seq == 1
    (jane,) = inbox(db, InboxFilters(search="visas", badge="unhelpful")).rows
    assert "".join(text for text, _ in jane.snippet) == "do you sponsor visas?"
    assert jane.snippet_seq == 3
    # Pierre's question, not the bot's earlier answer that has the word too.
    (pierre,) = inbox(db, InboxFilters(search="télétravail")).rows
    assert pierre.snippet_seq == 5
    assert pierre.snippet == (("Et le ", False), ("télétravail", True), (" ?", False))
    # Only a bot message matches: it is shown.
    (pierre,) = inbox(db, InboxFilters(search="know", lang="fr")).rows
    assert pierre.snippet_seq == 4 and ("know", True) in pierre.snippet


def test_snippet_keeps_markup_as_plain_text(db, data: InboxData) -> None:
    (row,) = inbox(db, InboxFilters(search="alert")).rows
    assert "".join(text for text, _ in row.snippet) == "<script>alert('x')</script> ¿remoto?"
    assert [text for text, hit in row.snippet if hit] == ["alert"]
    assert not any(mark in text for text, _ in row.snippet for mark in "\x02\x03")


INJECTIONS = [
    '"',
    '""',
    "NEAR(",
    "NEAR(remote visas, 2)",
    "*",
    "remote*",
    "AND OR NOT",
    "remote OR visas",
    "text:remote",
    "{text}: remote",
    "^remote",
    "'; DROP TABLE messages;--",
    '"; DROP TABLE messages; --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "x" * 5000,
    "remote " * 1000,
    "remote\x00visas",
    "\x00",
    "😀🎉 remote 👍",
    "🙂",
    "-remote",
    "re:mote",
    "(remote",
    "remote)",
    "%",
    "_",
    "\\",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_search_never_raises_nor_runs_the_text(data: InboxData, text: str) -> None:
    # A writable connection: a DROP that ran would be seen.
    database = Database(data.path)
    with database.writer() as db:
        page = inbox(db, InboxFilters(search=text, page_size=100))
    database.close()
    (messages,) = query(data.path, "SELECT count(*) FROM messages")[0]
    indexed = query(
        data.path,
        "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'remote'"
        if isinstance(data.path, Path)
        else "SELECT count(*) FROM messages "
        "WHERE hirebot_words(text) @@ to_tsquery('simple', 'remote')",
    )[0][0]
    assert (messages, indexed) == (24, 3)
    found = data.names([row.id for row in page.rows])
    if fts_query(text) is None:
        assert not page.searched and found == list(NAMES)  # no words: no search condition
    else:
        assert page.searched
        # Operators are words to look for: "remote OR visas" needs "or" in the message.
        assert set(found) <= {"jane", "old", "pierre", "ana"}
        for row in page.rows:
            assert row.snippet, "a match always shows where"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("remote OR visas", []),  # OR is a word here, and no message has it
        ("NEAR(remote visas, 2)", []),
        ("text:remote", []),  # a column filter would have found jane and old
        ("<script>alert(1)</script>", []),  # "1" is not in ana's message
        ("remote*", ["jane", "old"]),
        ("😀🎉 remote 👍", ["jane", "old"]),
        ("remote\x00visas", []),
        ("-remote", ["jane", "old"]),  # not a NOT
    ],
)
def test_operators_are_plain_words(db, data: InboxData, text: str, found: list[str]) -> None:
    assert listed(db, data, search=text) == found


def test_random_text_never_breaks_the_search(db) -> None:
    rng = random.Random(6)
    alphabet = "\"*():^-+{}[]<>'\\;%_ .,\x00\t\nabcéÉßıİ日本😀\u0301\ufeff\ud7ff"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        page = inbox(db, InboxFilters(search=text))  # must not raise
        assert page.total <= len(NAMES) and page.searched == (fts_query(text) is not None)


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("¿Cuál es?") == '"Cuál" AND "es"*'
    assert fts_query('say "hi" NEAR(xy)') == '"say" AND "hi" AND "NEAR" AND "xy"*'
    assert fts_query("visa r") == '"visa" AND "r"'  # one letter is no prefix
    assert fts_query("user_name") == '"user" AND "name"*'
    assert fts_query("cua\u0301l") == '"cuál"*'  # combining accent composed first
    assert fts_query("😀 ... ***") is None
    assert fts_query("") is None
    many = fts_query(" ".join(f"w{i}" for i in range(50)))
    assert many is not None and many.count('"') == 2 * filters_module.MAX_SEARCH_TOKENS
    assert many.endswith('"w7"*')
    long = fts_query("y" * 5000)
    assert long == '"' + "y" * filters_module.MAX_TOKEN_CHARS + '"*'


# -- pagination ----------------------------------------------------------------------------


def test_pages(db, data: InboxData) -> None:
    pages = [inbox(db, InboxFilters(page=n, page_size=2)) for n in (1, 2, 3, 4)]
    assert [data.names([r.id for r in p.rows]) for p in pages] == [
        ["ana", "pierre"],
        ["jane", "lee"],
        ["marc", "old"],
        [],
    ]
    assert [(p.total, p.pages) for p in pages] == [(6, 3)] * 4
    assert [(p.has_previous, p.has_next) for p in pages[:3]] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert [(p.first, p.last) for p in pages] == [(1, 2), (3, 4), (5, 6), (0, 0)]


def test_pages_of_a_filtered_list(db, data: InboxData) -> None:
    first = inbox(db, InboxFilters(badge="unreviewed", page_size=3))
    second = inbox(db, InboxFilters(badge="unreviewed", page_size=3, page=2))
    assert data.names([r.id for r in first.rows]) == ["ana", "pierre", "jane"]
    assert data.names([r.id for r in second.rows]) == ["marc", "old"]
    assert (first.total, first.pages, first.has_next, second.has_next) == (5, 2, True, False)


def test_ties_in_activity_are_ordered_by_id(database: Location) -> None:
    path = database
    upgrade_now(path)
    for name in ("c", "a", "b"):
        query(
            path,
            "INSERT INTO conversations VALUES (?, 'web:x', 'p', 'open', ?, ?)",
            name,
            at(TODAY, 9),
            at(TODAY, 9),
        )
    with reading(path) as db:
        first = inbox(db, InboxFilters(page_size=2))
        second = inbox(db, InboxFilters(page_size=2, page=2))
    assert [r.id for r in first.rows + second.rows] == ["a", "b", "c"]
    assert first.rows[0].messages == 0 and first.rows[0].languages == ()


# -- reviews -------------------------------------------------------------------------------


async def test_new_activity_after_a_review_makes_it_unreviewed_again(
    database: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database
    clock = Clock()
    monkeypatch.setattr(conversation_module, "now", clock)

    def unreviewed() -> list[str]:
        with reading(path) as db:
            return [r.id for r in inbox(db, InboxFilters(badge="unreviewed")).rows]

    async with TranscriptStore(path) as store:
        clock.set(TODAY - DAY, 9)
        log = ConversationLog(store, "web", "x", "backend")
        log.exchange(reply("is it remote?", Outcome.ANSWER), 1.0)
        assert await store.flush()
        assert unreviewed() == [log.id]
        review(path, log.id, "rita", at(TODAY - DAY, 12))
        assert unreviewed() == []
        with reading(path) as db:
            (row,) = inbox(db, InboxFilters()).rows
        assert row.reviewed and row.reviewed_by == "rita"
        clock.set(TODAY, 9)
        log.exchange(reply("and the pay?", Outcome.FALLBACK), 1.0)
        assert await store.flush()
        assert unreviewed() == [log.id]
        with reading(path) as db:
            (row,) = inbox(db, InboxFilters()).rows
        assert not row.reviewed and row.reviewed_by == "rita"


# -- choices -------------------------------------------------------------------------------


def test_choices_for_the_filter_form(db) -> None:
    assert queries.postings(db) == ["backend", "data", "frontend"]
    assert language_choices(db) == ["de", "en", "es", "fr"]


async def test_a_language_only_the_bot_or_a_command_used_is_no_choice(
    database: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversation_module, "now", Clock())
    async with TranscriptStore(database) as store:
        log = ConversationLog(store, "web", "x", "backend")
        log.incoming("Hallo", "de")
        log.outgoing("Hello!", "smalltalk", "en")
        log.incoming("2", "it", outcome="command")
    with reading(database) as db:
        assert language_choices(db) == ["de"]
        assert [r.languages for r in inbox(db, InboxFilters()).rows] == [("de",)]
        assert inbox(db, InboxFilters(lang="en")).total == 0
        assert inbox(db, InboxFilters(lang="it")).total == 0
        assert inbox(db, InboxFilters(lang="de")).total == 1


# -- parsing the query string --------------------------------------------------------------


def test_parse_filters_reads_every_field() -> None:
    filters, errors = parse_filters(
        {
            "posting": " backend ",
            "lang": "FR",
            "outcome": "fallback",
            "badge": "unreviewed",
            "since": "2025-06-01",
            "until": "2025-06-30",
            "q": "  visa sponsor ",
            "page": "3",
            "size": "20",
            "other": "ignored",
        }
    )
    assert errors == []
    assert filters == InboxFilters(
        posting="backend",
        lang="fr",
        outcome="fallback",
        badge="unreviewed",
        since=date(2025, 6, 1),
        until=date(2025, 6, 30),
        search="visa sponsor",
        page=3,
        page_size=20,
    )
    assert filters.active and not InboxFilters(page=4).active


def test_empty_values_mean_any() -> None:
    keys = ("posting", "lang", "outcome", "badge", "since", "until", "q", "page", "size")
    assert parse_filters(dict.fromkeys(keys, "")) == (InboxFilters(), [])
    assert parse_filters({}) == (InboxFilters(), [])


def test_relative_dates() -> None:
    filters, errors = parse_filters({"since": "7d", "until": "today"})
    assert errors == [] and (filters.since, filters.until) == (TODAY - 7 * DAY, TODAY)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2025-13-01"}, "The “From” date “2025-13-01” is not a date; use YYYY-MM-DD"),
        ({"until": "<b>soon</b>"}, "The “To” date “<b>soon</b>” is not a date"),
        ({"outcome": "smalltalk"}, "“smalltalk” is not an outcome; choose one from the list."),
        ({"badge": "starred"}, "“starred” is not a badge"),
        ({"lang": "english"}, "“english” is not a language code; use a code such as en"),
        ({"lang": "'; --"}, "“'; --” is not a language code"),
        ({"page": "0"}, "“0” is not a page number; use a whole number from 1 to 1000000."),
        ({"page": "-2"}, "“-2” is not a page number"),
        ({"page": "two"}, "“two” is not a page number"),
        ({"page": "1e3"}, "“1e3” is not a page number"),
        ({"page": "٣"}, "“٣” is not a page number"),  # an Arabic-Indic digit
        ({"page": "9" * 30}, "is not a page number"),
        ({"size": "501"}, "“501” is not a size; use a whole number from 1 to 500."),
        ({"q": "?!…"}, "Search needs at least one letter or digit, so it was left out."),
        ({"since": "2025-06-30", "until": "2025-06-01"}, "The “From” date (2025-06-30) is after"),
    ],
)
def test_bad_values_are_explained_and_left_out(params: dict[str, str], message: str) -> None:
    filters, errors = parse_filters({**params, "posting": "backend"})
    assert len(errors) == 1 and message in errors[0]
    assert filters.posting == "backend"  # the good values are kept
    assert (filters.since, filters.until, filters.outcome, filters.badge, filters.lang) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert (filters.page, filters.page_size) == (1, inbox_module.PAGE_SIZE)


def test_a_long_bad_value_is_shortened_in_the_message() -> None:
    _, errors = parse_filters({"outcome": "x" * 300})
    assert len(errors[0]) < 120 and "…" in errors[0]


def test_search_text_is_cut() -> None:
    filters, _ = parse_filters({"q": "word " * 1000})
    assert len(filters.search) <= filters_module.MAX_SEARCH_CHARS


def test_query_string_round_trips() -> None:
    filters = InboxFilters(
        posting="back end & ops",
        lang="es",
        outcome="clarify",
        badge="handed_off",
        since=date(2025, 1, 2),
        until=date(2025, 2, 3),
        search='¿Cuál? "x" & y=z',
        page=4,
    )
    again, errors = parse_filters(dict(parse_qsl(filters.query(page=filters.page))))
    assert errors == [] and again == filters
    export, _ = parse_filters(dict(parse_qsl(filters.query())))
    assert export == InboxFilters(**{**_fields(filters), "page": 1})
    assert "page=" not in filters.query() and "page=" not in filters.query(page=1)
    assert InboxFilters().query() == ""
    assert InboxFilters(page_size=20).query(page=2) == "size=20&page=2"


def _fields(filters: InboxFilters) -> dict[str, object]:
    return {name: getattr(filters, name) for name in InboxFilters.__dataclass_fields__}


@pytest.mark.parametrize(
    "bad",
    [{"outcome": "smalltalk"}, {"badge": "x"}, {"page": 0}, {"page_size": 0}, {"page_size": 501}],
)
def test_filters_refuse_impossible_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        InboxFilters(**bad)  # type: ignore[arg-type]


# -- export --------------------------------------------------------------------------------


def test_matching_ids_are_every_page_in_order(db, data: InboxData) -> None:
    assert data.names(matching_ids(db, InboxFilters(page=2, page_size=2))) == list(NAMES)
    assert data.names(matching_ids(db, InboxFilters(badge="unanswered"))) == ["pierre", "jane"]
    assert data.names(matching_ids(db, InboxFilters(search="sal", lang="es"))) == ["ana"]


def test_transcripts_of_the_filter_write_a_csv(db, data: InboxData) -> None:
    ids = matching_ids(db, InboxFilters(posting="backend", since=TODAY - 2 * DAY))
    out = io.StringIO()
    count = write_csv(queries.transcripts_of(db, [*ids, "gone"]), out)
    assert count == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["conversation"] for r in rows] == [data.pierre] * 6 + [data.jane] * 8
    assert rows[0]["display_name"] == "Pierre Martin" and rows[0]["text"] == "quel est le salaire ?"
    assert rows[-1]["feedback"] == "not helpful"


def test_transcripts_of_match_the_transcripts_summaries(db, data: InboxData) -> None:
    wanted = [data.jane, data.pierre, data.marc]
    ours = {t.summary.id: t for t in queries.transcripts_of(db, wanted)}
    theirs = {s.id: s for s in queries.conversations(db, ConversationFilter())}
    assert list(ours) == [data.jane, data.pierre, data.marc]
    for conversation, transcript in ours.items():
        assert transcript.summary == theirs[conversation]
        assert transcript.messages == queries.messages(db, conversation)


def test_transcripts_of_read_in_batches(db, data: InboxData, monkeypatch) -> None:
    monkeypatch.setattr(queries, "BATCH", 4)
    ids = matching_ids(db, InboxFilters())
    assert [t.summary.id for t in queries.transcripts_of(db, ids)] == ids

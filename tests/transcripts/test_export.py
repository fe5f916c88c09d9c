"""CSV, JSONL and HTML exports, and pseudonyms."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from html.parser import HTMLParser

from bot.store import queries
from bot.store.connections import Database, reading
from bot.store.filters import ConversationFilter
from bot.store.queries import Message, Transcript
from bot.transcripts.export import CSV_COLUMNS, spreadsheet_safe, write_csv, write_jsonl
from bot.transcripts.html_report import write_html
from bot.transcripts.pseudonyms import SALT_KEY, Pseudonymizer, salt
from tests.conftest import query
from tests.transcripts.conftest import Sample

REAL_IDENTIFIERS = (
    "Jane Doe", "janedoe", "telegram:1001", "1001",
    "Pierre Martin", "telegram:1002",
    "Ana López", "ana_l", "web:ana-77", "ana-77",
)  # fmt: skip


def exported(
    sample: Sample, writer, filters: ConversationFilter | None = None, pseudonymize: bool = False
):
    out = io.StringIO()
    with reading(sample.path) as db:
        items = queries.transcripts(db, filters or ConversationFilter())
        if pseudonymize:
            items = map(Pseudonymizer(salt(Database(sample.path))).apply, items)
        if writer is write_html:
            count = write_html(items, out, title="T", subtitle="S")
        else:
            count = writer(items, out)
    return count, out.getvalue()


def test_csv_has_one_row_per_message(sample: Sample) -> None:
    count, text = exported(sample, write_csv, ConversationFilter(posting="backend"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == 3 and tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 8 + 5 + 2
    jane = [r for r in rows if r["conversation"] == sample.jane]
    assert [r["seq"] for r in jane] == [str(n) for n in range(1, 9)]
    assert jane[1]["outcome"] == "answer" and jane[1]["topics"] == "remote-work"
    assert jane[1]["feedback"] == "helpful" and jane[7]["feedback"] == "not helpful"
    assert jane[5]["topics"] == "salary,benefits"
    assert (jane[0]["display_name"], jane[0]["username"]) == ("Jane Doe", "janedoe")
    assert jane[0]["text"] == "is it remote?" and jane[0]["direction"] == "in"


def test_csv_cells_cannot_run_as_formulas() -> None:
    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("@SUM(1)") == "'@SUM(1)"
    assert spreadsheet_safe("is it remote?") == "is it remote?"
    assert spreadsheet_safe(None) == ""


def test_jsonl_has_one_conversation_per_line(sample: Sample) -> None:
    count, text = exported(sample, write_jsonl)
    objects = [json.loads(line) for line in text.splitlines()]
    assert count == 4 and [o["id"] for o in objects][:2] == [sample.ana, sample.pierre]
    pierre = objects[1]
    assert pierre["candidate"] == {
        "key": "telegram:1002",
        "channel": "telegram",
        "external_id": "1002",
        "display_name": "Pierre Martin",
        "username": None,
    }
    assert pierre["status"] == "handed_off" and pierre["lang"] == "fr"
    assert pierre["counts"]["handoff"] == 1
    assert [m["outcome"] for m in pierre["messages"]] == [
        None, "answer", None, "fallback", "handoff"
    ]  # fmt: skip
    assert pierre["messages"][1]["helpful"] is True and pierre["messages"][1]["topics"] == [
        "salary"
    ]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def test_html_escapes_the_injected_script(sample: Sample) -> None:
    count, page = exported(sample, write_html)
    assert count == 4
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; remote?" in page
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "<script>alert('x')</script> remote?" in parsed.texts  # shown to the reader as text


def test_html_is_standalone(sample: Sample) -> None:
    _, page = exported(sample, write_html)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page and "default-src 'none'" in page
    assert not re.search(r"\b(src|href)=|@import|url\(|<link|<script", page)
    assert page.count("<details") == 4 and "Jane Doe" in page and "Ana López" in page


def test_pseudonyms_are_stable_and_hide_who_the_candidates_are(sample: Sample) -> None:
    _, first = exported(sample, write_jsonl, pseudonymize=True)
    _, second = exported(sample, write_jsonl, pseudonymize=True)
    assert first == second
    for identifier in REAL_IDENTIFIERS:
        assert identifier not in first
    keys = [json.loads(line)["candidate"]["key"] for line in first.splitlines()]
    assert all(re.fullmatch(r"candidate-[0-9a-f]{8}", k) for k in keys)
    assert len(set(keys)) == 4
    _, csv_text = exported(sample, write_csv, pseudonymize=True)
    _, html = exported(sample, write_html, pseudonymize=True)
    for identifier in REAL_IDENTIFIERS:
        assert identifier not in csv_text and identifier not in html
    assert keys[0] in csv_text and keys[0] in html


def test_salt_is_created_once_and_is_secret(sample: Sample) -> None:
    assert query(sample.path, "SELECT count(*) FROM meta WHERE key = ?", SALT_KEY) == [(0,)]
    first = salt(Database(sample.path))
    assert salt(Database(sample.path)) == first
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    # Another salt gives other pseudonyms: they cannot be recomputed from ids alone.
    assert Pseudonymizer(first).pseudonym("telegram:1001") != Pseudonymizer("x").pseudonym(
        "telegram:1001"
    )


def test_pseudonymizer_scrubs_known_identifiers_from_texts(sample: Sample) -> None:
    with reading(sample.path) as db:
        summary = queries.find_conversation(db, sample.jane)
    message = Message("m", 1, summary.started_at, "in", "", None, (), None, "en", None)
    texts = [
        "Hi, I'm Jane Doe (@janedoe), telegram:1001",
        "JANE DOE here",
        "Jane Doesburg and the 21001 bus",
    ]
    transcript = Transcript(summary, tuple(replace(message, text=t) for t in texts))
    alias = Pseudonymizer("salt").pseudonym("telegram:1001")
    scrubbed = [m.text for m in Pseudonymizer("salt").apply(transcript).messages]
    assert scrubbed == [
        f"Hi, I'm {alias} ({alias}), {alias}",
        f"{alias} here",
        "Jane Doesburg and the 21001 bus",  # whole words only
    ]

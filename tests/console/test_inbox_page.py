"""The inbox page over HTTP: rows and badges, the filter form, search, hostile input,
pages, and the CSV export of the current filter with its audit trail."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.console.app import create_app
from bot.database_location import Location
from tests.conftest import query as db_rows
from tests.console.conftest import add_account, console_settings, login
from tests.console.inbox_data import NAMES, InboxData, build_inbox_data
from tests.transcripts.conftest import TODAY

ROW = re.compile(r'<tr data-conversation="([0-9a-f]+)">')


@pytest.fixture
async def data(database: Location, monkeypatch: pytest.MonkeyPatch) -> InboxData:
    built = await build_inbox_data(database, monkeypatch)
    monkeypatch.undo()
    add_account(built.path, "rita", "recruiter")
    return built


@pytest.fixture
def rita(data: InboxData) -> Iterator[TestClient]:
    """Signed in as the recruiter rita; `.csrf` holds the form token."""
    with TestClient(create_app(console_settings(data.path)), follow_redirects=False) as c:
        c.csrf = login(c, "rita")  # type: ignore[attr-defined]
        yield c


def listed(client: TestClient, data: InboxData, query: str = "") -> list[str]:
    response = client.get(f"/?{query}")
    assert response.status_code == 200, response.text
    return data.names(ROW.findall(response.text))


def row_html(page: str, conversation: str) -> str:
    start = page.index(f'<tr data-conversation="{conversation}">')
    return page[start : page.index("</tr>", start)]


def audit_rows(path: Path) -> list[tuple[str, str, str | None, str]]:
    return db_rows(
        path,
        """SELECT "user", action, conversation, detail FROM audit_log """
        "WHERE action <> 'login' ORDER BY id",
    )


def test_needs_a_login(data: InboxData) -> None:
    with TestClient(create_app(console_settings(data.path)), follow_redirects=False) as client:
        response = client.get("/?q=visa")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Fq%3Dvisa"


def test_lists_conversations_newest_first_with_links_and_badges(
    rita: TestClient, data: InboxData
) -> None:
    page = rita.get("/").text
    assert data.names(ROW.findall(page)) == list(NAMES)
    assert "1–6 of 6 conversations, the most recent first." in page
    pierre = row_html(page, data.pierre)
    assert f'href="/conversations/{data.pierre}"' in pierre and "Pierre Martin" in pierre
    assert "fr, en" in pierre and "<td>6</td>" in pierre and "handed off" in pierre
    assert 'class="badge bad">unanswered' in pierre and 'class="badge">unreviewed' in pierre
    jane = row_html(page, data.jane)
    assert 'class="badge warn">👎' in jane and "unanswered" in jane
    lee = row_html(page, data.lee)
    assert 'class="badge good" title="by rita' in lee and "unanswered" not in lee
    assert "@marc_d" in row_html(page, data.marc)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("badge=unanswered", ["pierre", "jane"]),
        ("badge=handed_off", ["pierre", "marc"]),
        ("badge=unhelpful", ["jane"]),
        ("badge=unreviewed", ["ana", "pierre", "jane", "marc", "old"]),
        ("posting=frontend", ["ana", "lee"]),
        ("lang=fr", ["pierre"]),
        ("outcome=clarify", ["jane"]),
        (f"since={TODAY.isoformat()}", ["ana"]),
        ("posting=backend&lang=en&badge=unanswered", ["pierre", "jane"]),
        ("q=cual", ["ana"]),
        ("q=visas&posting=backend&badge=unhelpful", ["jane"]),
        ("posting=", list(NAMES)),  # an empty field is no filter
    ],
)
def test_filters(rita: TestClient, data: InboxData, query: str, expected: list[str]) -> None:
    assert listed(rita, data, query) == expected


def test_the_form_shows_the_filters_in_use(rita: TestClient) -> None:
    page = rita.get("/?posting=backend&lang=fr&outcome=fallback&badge=unanswered&q=visa").text
    assert '<option value="backend" selected>' in page
    assert '<option value="fr" selected>' in page
    assert '<option value="fallback" selected>' in page
    assert '<option value="unanswered" selected>' in page
    assert 'name="q" value="visa"' in page
    assert '<option value="frontend">' in page and '<option value="data">' in page
    assert '<option value="de">' in page and '<option value="es">' in page
    assert 'href="/">Clear</a>' in page
    assert 'href="/">Clear</a>' not in rita.get("/").text


def test_an_unknown_posting_stays_selected(rita: TestClient, data: InboxData) -> None:
    page = rita.get("/?posting=closed-job").text
    assert '<option value="closed-job" selected>' in page
    assert ROW.findall(page) == [] and "No conversation matches these filters." in page


def test_search_marks_the_hit_and_links_to_the_message(rita: TestClient, data: InboxData) -> None:
    page = rita.get("/?q=cual").text
    ana = row_html(page, data.ana)
    assert '<div class="snippet">¿<mark>Cuál</mark> es el salario?</div>' in ana
    assert f'href="/conversations/{data.ana}#m-1"' in ana
    assert "with a message matching <q>cual</q>" in page


def test_candidate_markup_in_a_snippet_is_text(rita: TestClient, data: InboxData) -> None:
    page = rita.get("/?q=alert").text
    ana = row_html(page, data.ana)
    assert escape("<script>", quote=False) + "<mark>alert</mark>" in ana
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE messages;--",
        'NEAR(" *',
        "x" * 5000,
        "\x00",
    ],
)
def test_hostile_search_is_shown_as_text_and_runs_nothing(
    rita: TestClient, data: InboxData, text: str
) -> None:
    response = rita.get("/", params={"q": text})
    assert response.status_code in (200, 400)  # 400: no word to search for, said on the page
    body = response.text.split('name="q" value="', 1)[1]
    shown = body[: body.index('"')]
    assert "<" not in shown and ">" not in shown  # escaped inside the attribute
    assert "<img src=x" not in response.text and "<script>alert(1)" not in response.text
    assert db_rows(data.path, "SELECT count(*) FROM messages") == [(24,)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=31/12/2025", "The “From” date “31/12/2025” is not a date; use YYYY-MM-DD"),
        ("outcome=%3Cb%3Ehi", "“&lt;b&gt;hi” is not an outcome"),
        ("page=abc", "“abc” is not a page number"),
        ("lang=english", "“english” is not a language code"),
        ("q=%3F%3F", "Search needs at least one letter or digit"),
    ],
)
def test_bad_values_are_explained_and_ignored(
    rita: TestClient, data: InboxData, query: str, message: str
) -> None:
    response = rita.get(f"/?{query}&posting=backend")
    assert response.status_code == 400  # the page explains, and scripts see the refusal
    assert f'<p class="error" role="alert">{message}' in response.text
    assert data.names(ROW.findall(response.text)) == ["pierre", "jane", "old"]


def test_pages_keep_the_filters(rita: TestClient, data: InboxData) -> None:
    first = rita.get("/?size=2&badge=unreviewed").text
    assert data.names(ROW.findall(first)) == ["ana", "pierre"]
    assert "Page 1 of 3" in first and 'rel="prev"' not in first
    link = re.search(r'rel="next" href="\?([^"]+)"', first)
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    assert query == "badge=unreviewed&size=2&page=2"
    second = rita.get(f"/?{query}").text
    assert data.names(ROW.findall(second)) == ["jane", "marc"]
    assert 'rel="prev" href="?badge=unreviewed&amp;size=2"' in second
    last = rita.get("/?size=2&badge=unreviewed&page=3").text
    assert data.names(ROW.findall(last)) == ["old"] and 'rel="next"' not in last
    assert "5–5 of 5 conversations" in last


def test_a_page_past_the_end_says_so(rita: TestClient) -> None:
    page = rita.get("/?page=9&posting=backend").text
    assert "3 conversations match, but page 9 is past the last one" in page
    assert 'href="?posting=backend">go to page 1</a>' in page


def test_an_empty_store(recruiter: TestClient) -> None:
    page = recruiter.get("/").text
    assert "No conversation matches." in page and "Export" not in page


# -- export --------------------------------------------------------------------------------


def export_form(page: str) -> dict[str, str]:
    """The hidden fields of the inbox's export form."""
    form = page[page.index('action="/export"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_the_current_filter(rita: TestClient, data: InboxData) -> None:
    page = rita.get("/?badge=unanswered&page=1&size=1").text
    fields = export_form(page)
    assert fields == {"csrf": rita.csrf, "badge": "unanswered"}  # type: ignore[attr-defined]
    assert "Export 2 as CSV" in page
    response = rita.post("/export", data=fields)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="conversations-{TODAY.isoformat()}.csv"'
    )
    rows = csv_rows(response.text)
    assert [r["conversation"] for r in rows] == [data.pierre] * 6 + [data.jane] * 8
    # A recruiter's export is pseudonymised: names only for admins.
    assert rows[0]["display_name"].startswith("candidate-")
    assert "Pierre Martin" not in response.text
    assert rows[0]["text"] == "quel est le salaire ?"
    # One audit row for the whole export, not one per conversation.
    assert audit_rows(data.path) == [
        ("rita", "export", None, "2 conversations; CSV, pseudonymised; filters: badge=unanswered"),
    ]
    assert "with names" not in page


def test_export_a_search(rita: TestClient, data: InboxData) -> None:
    fields = export_form(rita.get("/?q=cual").text)
    rows = csv_rows(rita.post("/export", data=fields).text)
    assert {r["conversation"] for r in rows} == {data.ana}
    assert rows[2]["text"] == "<script>alert('x')</script> ¿remoto?"


def test_a_recruiter_cannot_ask_for_names(rita: TestClient, data: InboxData) -> None:
    fields = export_form(rita.get("/?posting=frontend").text)
    response = rita.post("/export", data={**fields, "named": "yes"})
    assert response.status_code == 403
    assert "Ana López" not in response.text and "ana_l" not in response.text
    assert audit_rows(data.path) == []


def test_an_admin_may_export_names(data: InboxData) -> None:
    add_account(data.path, "adam", "admin")
    with TestClient(create_app(console_settings(data.path)), follow_redirects=False) as adam:
        csrf = login(adam, "adam")
        page = adam.get("/?posting=frontend").text
        assert "with names (admins only)" in page
        fields = {**export_form(page), "csrf": csrf}
        plain = csv_rows(adam.post("/export", data=fields).text)
        named = csv_rows(adam.post("/export", data={**fields, "named": "yes"}).text)
    assert all(r["display_name"].startswith("candidate-") for r in plain)
    assert "Ana López" in {r["display_name"] for r in named}
    assert [d for _, _, _, d in audit_rows(data.path)] == [
        "2 conversations; CSV, pseudonymised; filters: posting=frontend",
        "2 conversations; CSV; filters: posting=frontend",
    ]


def test_a_viewer_reads_but_cannot_export(data: InboxData) -> None:
    add_account(data.path, "vera", "viewer")
    with TestClient(create_app(console_settings(data.path)), follow_redirects=False) as vera:
        csrf = login(vera, "vera")
        page = vera.get("/?posting=frontend")
        assert page.status_code == 200 and 'action="/export"' not in page.text
        refused = vera.post("/export", data={"csrf": csrf, "posting": "frontend"})
        assert refused.status_code == 403 and "but not export" in refused.text
        note = vera.post(f"/conversations/{data.ana}/notes", data={"csrf": csrf, "text": "hi"})
        assert note.status_code == 403
    assert audit_rows(data.path) == []


def test_search_finds_a_candidate_by_name_or_username(rita: TestClient, data: InboxData) -> None:
    assert listed(rita, data, "q=López") == ["ana"]
    assert listed(rita, data, "q=%40ana_l") == ["ana"]  # @username
    assert listed(rita, data, "q=ana_") == ["ana"]  # _ is a letter here, not a wildcard


def test_export_of_nothing_is_still_audited(rita: TestClient, data: InboxData) -> None:
    response = rita.post("/export", data={"csrf": rita.csrf, "posting": "nope"})  # type: ignore[attr-defined]
    assert csv_rows(response.text) == []
    assert audit_rows(data.path) == [
        ("rita", "export", None, "0 conversations; CSV, pseudonymised; filters: posting=nope")
    ]


def test_export_needs_the_csrf_token(rita: TestClient, data: InboxData) -> None:
    forged = rita.post("/export", data={"csrf": "forged", "badge": "unanswered"})
    assert forged.status_code == 403 and forged.headers["content-type"].startswith("text/html")
    assert "quel est le salaire" not in forged.text
    assert rita.get("/export").status_code == 405
    assert audit_rows(data.path) == []


def test_export_refuses_a_tampered_filter(rita: TestClient, data: InboxData) -> None:
    response = rita.post("/export", data={"csrf": rita.csrf, "since": "soon"})  # type: ignore[attr-defined]
    assert response.status_code == 400 and "is not a date" in response.text
    assert audit_rows(data.path) == []


def test_export_needs_a_login(data: InboxData) -> None:
    with TestClient(create_app(console_settings(data.path)), follow_redirects=False) as client:
        response = client.post("/export", data={"csrf": "x"})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("query", "rows", "errors"),
    [
        ("posting=%27%20OR%201%3D1%20--", 0, 0),  # a posting nobody has
        ("posting=backend%27%3B%20DROP%20TABLE%20conversations%3B--", 0, 0),
        ("posting=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", 0, 0),
        ("posting=%ff%fe&q=%ED%A0%80", 0, 1),  # bytes that are not UTF-8
        ("lang=en%27--&outcome=answer%22&badge=%3Cscript%3E", 6, 3),  # refused, so ignored
        ("since=%00&until=2025-02-30&page=%F0%9F%98%80", 6, 3),
    ],
)
def test_hostile_filter_values_match_nothing_and_run_nothing(
    rita: TestClient, data: InboxData, query: str, rows: int, errors: int
) -> None:
    response = rita.get(f"/?{query}")
    assert response.status_code == (400 if errors else 200)
    assert len(ROW.findall(response.text)) == rows
    assert response.text.count('class="error" role="alert"') == errors
    body = response.text.split("</head>")[1]
    assert "<img src=x" not in body and "<script" not in body
    assert db_rows(data.path, "SELECT count(*) FROM conversations") == [(len(NAMES),)]

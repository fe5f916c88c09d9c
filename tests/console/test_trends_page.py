"""The Trends page over HTTP: the period chooser, the key figures as text, the charts,
mistakes explained, and hostile names from the database shown as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from bot.core.dialogue import Outcome
from bot.database_location import Location
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from bot.store.periods import last_days
from tests.transcripts.conftest import TODAY, reply

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
EVIL_POSTING = "<img src=x onerror=alert(1)>"
EVIL_TOPIC = "<script>alert(1)</script>"


def figure(page: str, name: str) -> str:
    """The text of one key figure (#answer-rate...), tags and spacing removed."""
    found = re.search(rf'id="{name}">(.*?)</div></div>', page, re.S)
    assert found, f"no figure {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def body(page: str) -> str:
    """The page after its <head> (which loads the console's one script)."""
    return page.split("</head>", 1)[1]


def test_the_page_needs_a_login(client: TestClient) -> None:
    response = client.get("/trends?days=7")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftrends%3Fdays%3D7"


def test_the_last_30_days_by_default(sample_client: TestClient) -> None:
    page = sample_client.get("/trends")
    assert page.status_code == 200
    text = page.text
    period = last_days(30)
    assert f'name="since" value="{period.since}"' in text
    assert f'name="until" value="{period.until}"' in text
    assert re.search(r'aria-current="true">Last 30 days</a>', text)
    # The key figures, readable without the charts (see conftest.build_sample).
    assert figure(text, "answer-rate") == "30% answer rate · 3 of 10 replies"
    assert figure(text, "clarify-rate") == "10% clarify rate · 1 of 10 replies"
    assert figure(text, "fallback-rate") == "40% fallback rate · 4 of 10 replies"
    assert figure(text, "feedback-ratio") == "67% helpful · 2 of 3 votes"
    assert '<option value="backend">backend</option>' in text


def test_five_charts_each_an_accessible_svg(sample_client: TestClient) -> None:
    text = sample_client.get("/trends").text
    svgs = SVG.findall(text)
    assert len(svgs) == 5
    labels = []
    for markup in svgs:
        root = ET.fromstring(markup)  # well-formed inside the HTML page
        assert root.get("role") == "img" and root.get("viewBox")
        labels.append(root.get("aria-label", ""))
    assert labels[0].startswith("Messages per day: 19 messages")
    assert "over the whole period answer 30%, clarify 10%, fallback 40%" in labels[1]
    assert labels[2] == "Top answered topics: salary 2, remote-work 1"
    assert labels[3] == "Questions per language: en 4, es 3, fr 1"
    assert labels[4].startswith("Feedback on the replies: 67% helpful (2 of 3)")


def test_nothing_inline_for_the_csp(sample_client: TestClient) -> None:
    response = sample_client.get("/trends")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    text = body(response.text)
    assert "style=" not in text and "<style" not in text
    assert "<script" not in text
    assert not re.search(r"\son\w+=", text)


def test_a_preset_keeps_the_posting(sample_client: TestClient) -> None:
    text = sample_client.get("/trends?days=7&posting=frontend").text
    assert re.search(r'aria-current="true">Last 7 days</a>', text)
    assert 'href="/trends?days=90&amp;posting=frontend"' in text
    assert '<option value="frontend" selected>' in text
    assert figure(text, "fallback-rate") == "67% fallback rate · 2 of 3 replies"
    assert figure(text, "feedback-ratio") == "– helpful · no votes"
    assert "No votes in this period." in text
    assert f'name="since" value="{last_days(7).since}"' in text


def test_dates_choose_the_days(sample_client: TestClient) -> None:
    since, until = TODAY - timedelta(days=2), TODAY - timedelta(days=1)
    page = sample_client.get(f"/trends?since={since}&until={until}")
    assert page.status_code == 200
    text = page.text
    assert (
        "aria-current" not in text.split('aria-label="Period and posting"')[1].split("</form>")[0]
    )
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(\d+)</td>", text)
    assert rows == [(str(until), "5"), (str(since), "8")]  # newest first
    # jane's and pierre's days: 3 answers among 7 replies
    assert figure(text, "answer-rate") == "43% answer rate · 3 of 7 replies"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("days=abc", "“abc” is not a number of days."),
        ("days=0", "Choose between 1 and 366 days."),
        ("since=2025-06-10&until=2025-06-01", "The start date (10 June 2025) is after the end"),
        ("since=31%2F12%2F2025", "The start date “31/12/2025” is not a date we can read."),
        ("days=7&since=2025-06-01", "Choose either the last few days or two dates, not both."),
    ],
)
def test_a_bad_period_is_explained(sample_client: TestClient, query: str, message: str) -> None:
    page = sample_client.get(f"/trends?{query}")
    assert page.status_code == 400
    assert message in page.text
    assert "Showing the last 30 days instead." in page.text
    assert figure(page.text, "answer-rate") == "30% answer rate · 3 of 10 replies"


def test_an_unknown_posting_is_explained(sample_client: TestClient) -> None:
    page = sample_client.get("/trends", params={"posting": EVIL_POSTING})
    assert page.status_code == 400
    assert "No conversation is about a posting called “&lt;img src=x" in page.text
    assert "<img" not in body(page.text)
    assert figure(page.text, "answer-rate") == "30% answer rate · 3 of 10 replies"


def test_an_empty_database(recruiter: TestClient) -> None:
    page = recruiter.get("/trends")
    assert page.status_code == 200
    assert figure(page.text, "answer-rate") == "– answer rate · no replies"
    for message in ("No messages in this period.", "No replies in this period."):
        assert message in page.text
    assert len(SVG.findall(page.text)) == 5


@pytest.fixture
async def hostile(console_db: Location) -> Location:
    """A conversation whose posting, topic and language are HTML."""
    async with TranscriptStore(console_db) as store:
        log = ConversationLog(store, "web", "evil", EVIL_POSTING)
        log.exchange(
            reply("hi", Outcome.ANSWER, lang="<b>xx</b>", topics=(EVIL_TOPIC,), text="ok"), 1.0
        )
        assert await store.flush()
    return console_db


def test_names_from_the_database_are_shown_as_text(
    recruiter: TestClient, hostile: Location
) -> None:
    page = recruiter.get("/trends", params={"posting": EVIL_POSTING})
    assert page.status_code == 200
    text = body(page.text)
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the topic, in its tooltip
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # the posting, in the select
    assert "&lt;b&gt;xx&lt;/b&gt;" in text  # the language
    for markup in SVG.findall(text):
        ET.fromstring(markup)

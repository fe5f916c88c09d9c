"""The unanswered page: grouped fallbacks with counts, and YAML snippets that parse."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.console.app import create_app
from bot.console.pages import unanswered as unanswered_page
from bot.core.dialogue import Outcome
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.conftest import query
from tests.console.conftest import console_settings, login
from tests.transcripts.conftest import TODAY, Sample, reply

POSTING = "backmarket-backend-engineer"
PRE = re.compile(r'<pre class="yaml" id="([^"]+)">(.*?)</pre>', re.S)


def snippets(page: str) -> dict[str, str]:
    return {found.group(1): unescape(found.group(2)) for found in PRE.finditer(page)}


def test_groups_and_counts(sample_client: TestClient, sample_db: Sample) -> None:
    page = sample_client.get("/unanswered").text
    # The three visa questions are one group; the <script> one is another.
    assert "×3" in page and "do you sponsor visas?" in page
    assert "4 questions got no answer" in page
    assert f"/conversations/{sample_db.jane}" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page


async def add_real_posting_fallbacks(sample: Sample) -> None:
    """Questions on the shipped posting, which the knowledge base knows (the sample's
    postings are made up, so `kb suggest` skips them)."""
    async with TranscriptStore(sample.path) as store:
        asked = ("do you have a ping pong table?", "Do you have a ping-pong table??")
        for n, question in enumerate(asked):
            log = ConversationLog(store, "telegram", f"20{n}", POSTING, display_name=f"C{n}")
            log.exchange(reply(question, Outcome.FALLBACK, confidence=0.1), 5.0)


async def test_snippets_are_valid_yaml_with_the_questions(
    sample_client: TestClient, sample_db: Sample
) -> None:
    page = sample_client.get("/unanswered").text
    assert "No snippets for postings the knowledge base does not have: backend, frontend" in page
    await add_real_posting_fallbacks(sample_db)
    found = snippets(sample_client.get(f"/unanswered?posting={POSTING}").text)
    assert found, "no snippet on the page"
    for text in found.values():
        parsed = yaml.safe_load(text)
        assert isinstance(parsed, list) and parsed[0]["id"]
    ping = next(t for t in found.values() if "ping" in t)
    topic = yaml.safe_load(ping)[0]
    assert any("ping" in e for e in topic["en"]["examples"])
    assert topic["en"]["answer"] == "TO REVIEW"  # nothing is made up
    assert 'data-copy="' in sample_client.get(f"/unanswered?posting={POSTING}").text
    # Erasing the candidates takes their questions out of the snippets at once.
    async with TranscriptStore(sample_db.path) as store:
        for n in range(2):
            await store.erase_candidate(f"telegram:20{n}")
    assert not snippets(sample_client.get(f"/unanswered?posting={POSTING}").text)


def test_period_and_posting_filters(sample_client: TestClient) -> None:
    frontend = sample_client.get("/unanswered?posting=frontend").text
    assert "2 questions got no answer" in frontend  # ana's two
    assert "do you sponser visa" in frontend and "Do you sponsor visas??" not in frontend
    nothing = sample_client.get("/unanswered?posting=' OR 1=1 --").text
    assert "0 questions got no answer" in nothing
    odd = sample_client.get("/unanswered?days=12345")
    assert odd.status_code == 400 and "days=1, 7, 30, 90, 365" in odd.text
    assert sample_client.get("/unanswered?days=abc").status_code == 400
    assert sample_client.get("/unanswered?since=yesterday").status_code == 400


def test_today(sample_client: TestClient) -> None:
    page = sample_client.get("/unanswered?days=1").text
    assert "2 questions got no answer today" in page  # ana's, asked this morning
    assert "do you sponser visa" in page and "Do you sponsor visas??" not in page


def recent_section(page: str) -> str:
    return page[
        page.index('<section id="recent">') : page.index(
            "</section>", page.index('<section id="recent">')
        )
    ]


def test_since_my_last_visit(sample_client: TestClient, sample_db: Sample) -> None:
    first = sample_client.get("/unanswered").text  # a first visit: "new" is today's
    assert "Asked today" in first and "do you sponser visa" in recent_section(first)
    assert "Do you sponsor visas??" not in recent_section(first)  # pierre's, yesterday
    # Rita's last look was late yesterday evening; pierre's question came before it.
    evening = datetime.combine(TODAY - timedelta(days=1), time(23), UTC)
    query(sample_db.path, "UPDATE console_visits SET seen_at = ?", evening.isoformat())
    page = sample_client.get("/unanswered?since=last").text
    assert "Asked since your last visit" in page
    assert "2 questions got no answer since your last visit" in page
    assert "do you sponser visa" in page and "Do you sponsor visas??" not in page
    # Reloading a moment later is the same visit: "since my last visit" does not move.
    again = sample_client.get("/unanswered?since=last").text
    assert "2 questions got no answer since your last visit" in again


def test_new_single_questions_are_never_hidden(
    sample_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unanswered_page, "MAX_GROUPS", 1)
    page = sample_client.get("/unanswered?days=30").text
    assert "… and 1 more groups" in page  # the long list is cut: the single one goes...
    recent = recent_section(page)
    assert "do you sponser visa" in recent and "remote?" in recent  # ...today's all stay


def test_viewing_the_page_is_audited(sample_client: TestClient, sample_db: Sample) -> None:
    sample_client.get("/unanswered?days=7&posting=frontend")
    found = query(
        sample_db.path, """SELECT "user", detail FROM audit_log WHERE action = 'view_unanswered'"""
    )
    assert found == [("rita", "days=7; posting=frontend")]


def test_broken_knowledge_still_shows_the_questions(sample_db: Sample, tmp_path: Path) -> None:
    broken = tmp_path / "knowledge"
    broken.mkdir()
    (broken / "company.yaml").write_text("company: [unclosed\n")
    app = create_app(console_settings(sample_db.path, knowledge=broken))
    with TestClient(app, follow_redirects=False) as c:
        login(c, "rita")
        page = c.get("/unanswered")
        assert page.status_code == 200
        assert "could not be loaded" in page.text and "company.yaml" in page.text
        assert "do you sponsor visas?" in page.text and not snippets(page.text)

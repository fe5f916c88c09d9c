"""The transcript page: bubbles with topic, confidence and feedback; the hand-off
timeline; review and notes (with CSRF); escaping; the audit trail of views."""

from __future__ import annotations

from html import escape

from fastapi.testclient import TestClient

from tests.conftest import query
from tests.transcripts.conftest import Sample


def audit_rows(sample: Sample) -> list[tuple[str, str, str | None]]:
    return query(sample.path, 'SELECT "user", action, conversation FROM audit_log ORDER BY id')


def test_bubbles_show_topic_confidence_and_feedback(
    sample_client: TestClient, sample_db: Sample
) -> None:
    page = sample_client.get(f"/conversations/{sample_db.jane}")
    assert page.status_code == 200
    text = page.text
    assert "Jane Doe" in text and "is it remote?" in text and "Yes, mostly remote." in text
    assert "topic: remote-work" in text and "confidence 0.91" in text
    assert "👍 helpful" in text and "👎 not helpful" in text
    assert "suggested: salary, benefits" in text  # the clarify
    assert "No answer; offered a recruiter" in text and "do you sponsor visas?" in text


def test_handoff_timeline(sample_client: TestClient, sample_db: Sample) -> None:
    text = sample_client.get(f"/conversations/{sample_db.pierre}").text
    assert "handed off" in text
    timeline = text[text.index("Hand-off timeline") :]
    assert timeline.index("No answer") < timeline.index("Bot: hand-off")


def test_candidate_text_is_escaped(sample_client: TestClient, sample_db: Sample) -> None:
    text = sample_client.get(f"/conversations/{sample_db.ana}").text
    assert "<script>" not in text.split("</head>")[1].replace('<script src="', "")
    assert escape("<script>", quote=False) in text


def test_viewing_is_audited(sample_client: TestClient, sample_db: Sample) -> None:
    sample_client.get(f"/conversations/{sample_db.jane}")
    assert ("rita", "view", sample_db.jane) in audit_rows(sample_db)


def test_unknown_conversation_is_404(sample_client: TestClient) -> None:
    response = sample_client.get("/conversations/nope")
    assert response.status_code == 404 and "does not exist" in response.text


def test_mark_reviewed_and_back(sample_client: TestClient, sample_db: Sample) -> None:
    url = f"/conversations/{sample_db.jane}"
    assert 'id="review-state">unreviewed' in sample_client.get(url).text
    forged = sample_client.post(f"{url}/review", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert 'id="review-state">unreviewed' in sample_client.get(url).text
    done = sample_client.post(f"{url}/review", data={"csrf": sample_client.csrf})
    assert done.status_code == 303
    page = sample_client.get(url).text
    assert 'id="review-state">reviewed' in page and "Marked reviewed by rita" in page
    sample_client.post(f"{url}/review", data={"csrf": sample_client.csrf, "reviewed": "no"})
    assert 'id="review-state">unreviewed' in sample_client.get(url).text
    assert [a for _, a, c in audit_rows(sample_db) if c == sample_db.jane].count("review") == 1


def test_review_goes_stale_when_the_candidate_writes_again(
    sample_client: TestClient, sample_db: Sample
) -> None:
    url = f"/conversations/{sample_db.jane}"
    sample_client.post(f"{url}/review", data={"csrf": sample_client.csrf})
    query(
        sample_db.path,
        "UPDATE conversations SET last_activity_at = '2999-01-01T00:00:00.000+00:00' WHERE id = ?",
        sample_db.jane,
    )
    page = sample_client.get(url).text
    assert 'id="review-state">unreviewed' in page and "new messages arrived since" in page


def test_private_notes(sample_client: TestClient, sample_db: Sample) -> None:
    url = f"/conversations/{sample_db.jane}"
    note = "Call back <b>Monday</b> & check visa"
    assert sample_client.post(f"{url}/notes", data={"text": note}).status_code == 403
    response = sample_client.post(f"{url}/notes", data={"text": note, "csrf": sample_client.csrf})
    assert response.status_code == 303
    page = sample_client.get(url).text
    assert escape(note, quote=False) in page and "<b>Monday</b>" not in page
    empty = sample_client.post(f"{url}/notes", data={"text": "  ", "csrf": sample_client.csrf})
    assert "error=empty" in empty.headers["location"]
    assert "The note is empty." in sample_client.get(empty.headers["location"]).text
    assert ("rita", "note", sample_db.jane) in audit_rows(sample_db)
    # Other conversations don't show it.
    assert "Call back" not in sample_client.get(f"/conversations/{sample_db.pierre}").text


def test_arbitrary_error_text_is_not_shown(sample_client: TestClient, sample_db: Sample) -> None:
    page = sample_client.get(f"/conversations/{sample_db.jane}?error=Call+0800+now").text
    assert "0800" not in page


def test_erasing_a_candidate_removes_notes_and_reviews(
    sample_client: TestClient, sample_db: Sample
) -> None:
    import asyncio

    from bot.store import TranscriptStore

    url = f"/conversations/{sample_db.jane}"
    sample_client.post(f"{url}/review", data={"csrf": sample_client.csrf})
    sample_client.post(f"{url}/notes", data={"text": "private", "csrf": sample_client.csrf})

    async def erase() -> None:
        async with TranscriptStore(sample_db.path) as store:
            await store.erase_candidate("telegram:1001")

    asyncio.run(erase())
    assert query(sample_db.path, "SELECT count(*) FROM conversation_notes") == [(0,)]
    assert query(sample_db.path, "SELECT count(*) FROM conversation_reviews") == [(0,)]
    assert sample_client.get(url).status_code == 404

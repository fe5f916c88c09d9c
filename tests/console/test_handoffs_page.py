"""The hand-off queue and replying to a candidate from the console (queued for the bot)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from bot.console.app import create_app
from tests.conftest import query
from tests.console.conftest import add_account, console_settings, login
from tests.transcripts.conftest import Sample


def queued(sample: Sample) -> list[tuple[str, str, str, str | None]]:
    return query(
        sample.path, "SELECT conversation, author, text, sent_at FROM recruiter_replies ORDER BY id"
    )


def audited(sample: Sample, action: str) -> list[tuple[str, str | None, str]]:
    return query(
        sample.path, 'SELECT "user", conversation, detail FROM audit_log WHERE action = ?', action
    )


def test_the_queue_lists_who_waits_with_their_age(
    sample_client: TestClient, sample_db: Sample
) -> None:
    page = sample_client.get("/handoffs")
    assert page.status_code == 200
    assert f'data-conversation="{sample_db.pierre}"' in page.text  # handed off yesterday
    assert f'data-conversation="{sample_db.jane}"' not in page.text  # never handed off
    # Handed off yesterday morning: some hours ago whatever the time now, shown in hours.
    ((since,),) = query(
        sample_db.path,
        "SELECT max(created_at) FROM messages WHERE conversation = ? AND outcome = 'handoff'",
        sample_db.pierre,
    )
    waited = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds() // 3600
    shown = re.search(r'<span class="badge warn">(\d+) h</span>', page.text)
    assert shown and int(shown[1]) >= 1 and int(shown[1]) in (waited - 1, waited)
    assert "Pierre Martin" in page.text


def test_a_reply_is_queued_audited_and_takes_them_off_the_queue(
    sample_client: TestClient, sample_db: Sample
) -> None:
    csrf = sample_client.csrf  # type: ignore[attr-defined]
    form = sample_client.get(f"/conversations/{sample_db.pierre}").text
    assert 'action="/conversations/' + sample_db.pierre + '/reply"' in form
    sent = sample_client.post(
        f"/conversations/{sample_db.pierre}/reply",
        data={"csrf": csrf, "text": "  Bonjour Pierre, le salaire dépend du profil.  "},
    )
    assert sent.status_code == 303
    assert queued(sample_db) == [
        (sample_db.pierre, "rita", "Bonjour Pierre, le salaire dépend du profil.", None)
    ]
    assert audited(sample_db, "reply") == [("rita", sample_db.pierre, "reply 1, 44 characters")]
    page = sample_client.get(f"/conversations/{sample_db.pierre}").text
    assert "waiting for the bot to send it" in page
    assert f'data-conversation="{sample_db.pierre}"' not in sample_client.get("/handoffs").text


def test_bad_replies_are_refused(sample_client: TestClient, sample_db: Sample) -> None:
    csrf = sample_client.csrf  # type: ignore[attr-defined]
    empty = sample_client.post(f"/conversations/{sample_db.pierre}/reply", data={"csrf": csrf})
    assert empty.headers["location"].endswith("error=reply_empty#reply")
    web = sample_client.post(
        f"/conversations/{sample_db.ana}/reply", data={"csrf": csrf, "text": "hola"}
    )
    assert web.headers["location"].endswith("error=reply_unreachable#reply")
    forged = sample_client.post(
        f"/conversations/{sample_db.pierre}/reply", data={"csrf": "forged", "text": "hi"}
    )
    assert forged.status_code == 403
    missing = sample_client.post("/conversations/nope/reply", data={"csrf": csrf, "text": "hi"})
    assert missing.status_code == 404
    assert queued(sample_db) == [] and audited(sample_db, "reply") == []


def test_a_viewer_sees_the_queue_but_cannot_reply(sample_db: Sample) -> None:
    add_account(sample_db.path, "vera", "viewer")
    with TestClient(create_app(console_settings(sample_db.path)), follow_redirects=False) as vera:
        csrf = login(vera, "vera")
        assert sample_db.pierre in vera.get("/handoffs").text
        page = vera.get(f"/conversations/{sample_db.pierre}").text
        assert "/reply" not in page.split("<main", 1)[1].split("Reply to the candidate")[1][:600]
        refused = vera.post(
            f"/conversations/{sample_db.pierre}/reply", data={"csrf": csrf, "text": "hi"}
        )
        assert refused.status_code == 403
    assert queued(sample_db) == []

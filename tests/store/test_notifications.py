"""Migration 4, the `notifications` table of `kb notify`: upgraded into, erased, purged."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import ConversationState, MessageLogged, TranscriptStore
from bot.store.migrations.upgrade import head, upgrade
from tests.store.conftest import query, revision

AT = "2030-01-01T09:00:00.000+00:00"  # recent enough never to be purged


async def make_v3_database(path: Path) -> None:
    await upgrade(path, "0003")
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO conversations VALUES ('c1', 't:1', 'job', 'open', ?, ?)", (AT, AT))
        db.execute(
            "INSERT INTO messages VALUES "
            "('m1', 'c1', 't:1', 1, 'in', 't', 'visa?', '', NULL, NULL, NULL, ?, 'en')",
            (AT,),
        )
        db.commit()


def notify(path: Path, candidate: str, topic: str, message: str, at: str = AT) -> None:
    """What `kb notify --send` writes: the notification and its logged message id."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO notifications VALUES (?, ?, ?, ?)", (candidate, topic, message, at))
        db.commit()


async def test_a_version_3_file_gains_the_notifications_table_and_keeps_its_data(
    db_path: Path,
) -> None:
    await make_v3_database(db_path)
    tables = {name for (name,) in query(db_path, "SELECT name FROM sqlite_master")}
    assert "notifications" not in tables

    async with TranscriptStore(db_path) as store:
        assert store.healthy

    assert revision(db_path) == head() >= "0004"
    columns = [row[1] for row in query(db_path, "PRAGMA table_info(notifications)")]
    assert columns == ["candidate", "topic", "message", "sent_at"]
    assert query(db_path, "SELECT id, text FROM messages") == [("m1", "visa?")]
    notify(db_path, "t:1", "visa", "m2")
    # One notification per candidate and topic.
    try:
        notify(db_path, "t:1", "visa", "m3")
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("a second notification for the same topic was stored")
    assert query(db_path, "SELECT message FROM notifications") == [("m2",)]


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")


def conversation(candidate: str, conversation_id: str, at: str) -> list[object]:
    return [
        ConversationState(conversation_id, candidate, "job", "open", at),
        MessageLogged(
            f"{conversation_id}-1",
            conversation_id,
            candidate,
            1,
            "out",
            "telegram",
            "Earlier you asked...",
            ("visa",),
            "notify",
            None,
            None,
            "en",
            at,
        ),
    ]


async def test_erasing_a_candidate_erases_their_notifications(db_path: Path) -> None:
    async with TranscriptStore(db_path) as store:
        for event in conversation("telegram:1", "c1", days_ago(1)) + conversation(
            "telegram:2", "c2", days_ago(1)
        ):
            store.record(event)  # type: ignore[arg-type]
        assert await asyncio.wait_for(store.flush(), timeout=10)
        notify(db_path, "telegram:1", "visa", "c1-1")
        notify(db_path, "telegram:1", "salary", "c1-1")
        notify(db_path, "telegram:2", "visa", "c2-1")

        removed = await store.erase_candidate("telegram:1")

    assert removed == 4  # two notifications, one message, one conversation
    assert query(db_path, "SELECT candidate, topic FROM notifications") == [("telegram:2", "visa")]


async def test_purging_old_conversations_purges_their_notifications(db_path: Path) -> None:
    async with TranscriptStore(db_path) as store:
        for event in (
            conversation("telegram:old", "c-old", days_ago(60))
            + conversation("telegram:both", "c-both-old", days_ago(50))
            + conversation("telegram:both", "c-both-new", days_ago(2))
        ):
            store.record(event)  # type: ignore[arg-type]
        assert await asyncio.wait_for(store.flush(), timeout=10)
        notify(db_path, "telegram:old", "visa", "c-old-1")
        notify(db_path, "telegram:both", "visa", "c-both-old-1")  # logged in the old one
        notify(db_path, "telegram:both", "salary", "c-both-new-1")
        notify(db_path, "telegram:gone", "visa", "nowhere")  # no conversation at all

        assert await store.purge_older_than(30) == 2

    assert query(db_path, "SELECT candidate, topic FROM notifications") == [
        ("telegram:both", "salary")
    ]

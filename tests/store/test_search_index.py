"""The full-text index (schema v5) follows every insert, erasure and purge of a message."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from bot.store.migrations.upgrade import head, upgrade
from tests.store.conftest import query, revision


def matches(db_path: Path, words: str) -> list[str]:
    return [
        row[0]
        for row in query(
            db_path,
            "SELECT m.text FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
            "WHERE messages_fts MATCH ? ORDER BY m.text",
            words,
        )
    ]


async def test_index_follows_inserts_and_erasure(db_path: Path) -> None:
    async with TranscriptStore(db_path) as store:
        ada = ConversationLog(store, "test", "ada", "posting")
        bob = ConversationLog(store, "test", "bob", "posting")
        ada.incoming("Is the job remote?")
        ada.outgoing("Hybrid: two days at the office.", "answer")
        bob.incoming("¿Cuál es el salario? REMOTO también")
        assert await asyncio.wait_for(store.flush(), timeout=10)

        assert matches(db_path, "remote") == ["Is the job remote?"]
        assert matches(db_path, "salario") == ["¿Cuál es el salario? REMOTO también"]
        assert matches(db_path, "cual") == ["¿Cuál es el salario? REMOTO también"]  # accents
        assert matches(db_path, "office") == ["Hybrid: two days at the office."]

        await store.erase_candidate(ada.candidate)
        assert matches(db_path, "remote") == []
        assert matches(db_path, "office") == []
        assert matches(db_path, "salario") != []
    with closing(sqlite3.connect(db_path)) as db:  # the index is consistent with its table
        db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")


async def test_index_is_built_for_messages_stored_before_v5(db_path: Path) -> None:
    await upgrade(db_path, "0004")
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(
            "INSERT INTO messages (id, conversation, candidate, seq, direction, channel, text,"
            " created_at) VALUES ('m1', 'c1', 'k1', 1, 'in', 'test', 'visa sponsorship?', 'x')"
        )
        db.commit()
    async with TranscriptStore(db_path):
        pass
    assert revision(db_path) == head()
    assert matches(db_path, "visa") == ["visa sponsorship?"]

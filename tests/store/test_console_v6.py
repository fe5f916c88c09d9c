"""Migration 6: the read-only role, visits and recruiters' replies; accounts kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.migrations.upgrade import head, upgrade
from tests.store.conftest import revision


async def test_accounts_survive_and_the_viewer_role_exists(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await upgrade(path, "0005")
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO console_users VALUES ('Rita', 'recruiter', 'hash', 0, 't0', 't1')")
        db.commit()
    async with TranscriptStore(path):
        pass
    assert revision(path) == head() >= "0006"
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT * FROM console_users").fetchall() == [
            ("Rita", "recruiter", "hash", 0, "t0", "t1")
        ]
        assert db.execute("SELECT name FROM console_users WHERE name = 'rita'").fetchone()
        db.execute("INSERT INTO console_users VALUES ('vic', 'viewer', 'h', 0, 't', 't')")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO console_users VALUES ('eve', 'owner', 'h', 0, 't', 't')")
        assert db.execute("SELECT count(*) FROM recruiter_replies").fetchone() == (0,)

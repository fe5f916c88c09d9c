"""Migration 6: the read-only role, visits and recruiters' replies; accounts kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.schema import MIGRATIONS


async def test_accounts_survive_and_the_viewer_role_exists(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        for version, script in enumerate(MIGRATIONS[:5], start=1):
            db.executescript(f"BEGIN; {script} PRAGMA user_version = {version}; COMMIT;")
        db.execute("INSERT INTO console_users VALUES ('Rita', 'recruiter', 'hash', 0, 't0', 't1')")
        db.commit()
    async with TranscriptStore(path):
        pass
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("SELECT * FROM console_users").fetchall() == [
            ("Rita", "recruiter", "hash", 0, "t0", "t1")
        ]
        assert db.execute("SELECT name FROM console_users WHERE name = 'rita'").fetchone()
        db.execute("INSERT INTO console_users VALUES ('vic', 'viewer', 'h', 0, 't', 't')")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO console_users VALUES ('eve', 'owner', 'h', 0, 't', 't')")
        assert db.execute("SELECT count(*) FROM recruiter_replies").fetchone() == (0,)

"""`python -m bot users ...` as a user runs it: a real process over a real file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from bot.store import users
from bot.store.connections import Database
from tests.conftest import run_bot

PASSWORD = "correct horse battery staple"


def cli(database: Path, *args: str, stdin: str = ""):
    return run_bot("users", *args, env={"BOT_DATABASE": str(database)}, stdin=stdin)


def test_add_list_disable_enable_reset(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"  # created, with its folder
    added = cli(database, "add", "rita", "--role", "recruiter", "--password-stdin", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "Added rita (recruiter)." in added.stdout
    cli(database, "add", "adam", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    viewer = cli(database, "add", "vic", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert "Added vic (viewer)." in viewer.stdout

    listed = cli(database, "list").stdout.splitlines()
    assert [line.split()[:3] for line in listed] == [
        ["adam", "admin", "active"],
        ["rita", "recruiter", "active"],
        ["vic", "viewer", "active"],
    ]
    with Database(database).writer() as db:
        assert users.authenticate(db, "rita", PASSWORD) is not None
        stored = db.execute(text("SELECT password_hash FROM console_users WHERE name = 'rita'"))
        assert stored.scalar_one().startswith("$argon2id$")  # never the password itself

    assert cli(database, "disable", "rita").returncode == 0
    assert "disabled" in cli(database, "list").stdout.splitlines()[1]
    with Database(database).writer() as db:
        assert users.authenticate(db, "rita", PASSWORD) is None
    assert cli(database, "enable", "rita").returncode == 0

    new = "another long passphrase"
    reset = cli(database, "reset-password", "rita", "--password-stdin", stdin=new)
    assert reset.returncode == 0 and "sessions have ended" in reset.stdout
    with Database(database).writer() as db:
        assert users.authenticate(db, "rita", PASSWORD) is None
        assert users.authenticate(db, "rita", new) is not None

    with closing(sqlite3.connect(database)) as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == [
        "user_add",
        "user_add",
        "user_add",
        "user_disable",
        "user_enable",
        "user_reset_password",
    ]


def test_clear_refusals(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    short = cli(database, "add", "rita", "--role", "recruiter", "--password-stdin", stdin="abc")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    cli(database, "add", "rita", "--role", "recruiter", "--password-stdin", stdin=PASSWORD)
    again = cli(database, "add", "RITA", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 1 and "already a user named" in again.stderr
    bad_name = cli(database, "add", "a b", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert bad_name.returncode == 1 and "user name has" in bad_name.stderr
    role = cli(database, "add", "x", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert role.returncode == 2 and "invalid choice" in role.stderr
    unknown = cli(database, "disable", "nobody")
    assert unknown.returncode == 1 and "No user is named 'nobody'" in unknown.stderr
    assert "rita" in cli(database, "list").stdout


def test_list_with_no_accounts_says_how_to_add_one(tmp_path: Path) -> None:
    listed = cli(tmp_path / "bot.sqlite3", "list")
    assert listed.returncode == 0 and "users add NAME --role admin" in listed.stdout

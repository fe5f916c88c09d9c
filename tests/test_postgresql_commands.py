"""Every command that reads or writes the transcripts, run as a user would with
BOT_DATABASE naming a PostgreSQL server: a chat in the terminal, then the recruiter
tools, the knowledge tools and the console accounts read and write what it stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import postgresql_query, run_bot


@pytest.fixture
def env(postgresql_database: str, tmp_path: Path) -> dict[str, str]:
    return {"BOT_DATABASE": postgresql_database, "BOT_LOG_LEVEL": "WARNING"}


def ok(*args: str, env: dict[str, str], stdin: str = "") -> str:
    done = run_bot(*args, env=env, stdin=stdin)
    assert done.returncode == 0, f"{args}: {done.stderr[-2000:]}"
    return done.stdout


def test_every_transcript_command_works_on_postgresql(env: dict[str, str], tmp_path: Path) -> None:
    ok("db", "upgrade", env=env)
    # A candidate chats in the terminal: a question answered, one the posting can't answer.
    ok("chat", env=env, stdin="is the job remote?\ndo you sponsor visas for my cat?\n")
    url = env["BOT_DATABASE"]
    (conversation,) = (row[0] for row in postgresql_query(url, "SELECT id FROM conversations"))
    assert postgresql_query(url, "SELECT count(*) FROM messages")[0][0] >= 4

    listed = ok("transcripts", "list", env=env)
    assert conversation[:8] in listed
    assert "is the job remote?" in ok("transcripts", "show", conversation[:8], env=env)
    assert "remote" in ok("transcripts", "list", "--search", "remote", env=env)
    ok("transcripts", "stats", "--json", env=env)
    ok("transcripts", "unanswered", env=env)
    export = tmp_path / "all.csv"
    ok("transcripts", "export", "--format", "csv", "--output", str(export), env=env)
    assert "is the job remote?" in export.read_text(encoding="utf-8-sig")
    ok("kb", "suggest", env=env)
    ok("kb", "notify", "remote-work", env=env)  # a dry run: nothing is sent

    ok("users", "add", "rita", "--role", "recruiter", "--password-stdin", env=env, stdin="x" * 16)
    assert "rita" in ok("users", "list", env=env)
    ok("users", "disable", "rita", env=env)
    assert "disabled" in ok("users", "list", env=env)

    candidate = postgresql_query(url, "SELECT key FROM candidates")[0][0]
    ok("transcripts", "erase", candidate, "--yes", env=env)
    assert postgresql_query(url, "SELECT count(*) FROM messages") == [(0,)]
    ok("transcripts", "purge", env=env)

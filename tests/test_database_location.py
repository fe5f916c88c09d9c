"""BOT_DATABASE: a path or a PostgreSQL URL, never shown with its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.database_location import NotOnPostgreSQL, parse_location, redacted, sqlite_file
from bot.settings import Settings

URL = "postgresql://bot:s3cret@db.internal:5432/hirebot"


def test_a_url_stays_text_and_anything_else_is_a_path() -> None:
    assert parse_location(URL) == URL
    assert parse_location("postgres://bot@db/x") == "postgres://bot@db/x"
    assert parse_location("data/bot.sqlite3") == Path("data/bot.sqlite3")
    assert Settings(BOT_DATABASE=URL).database == URL  # type: ignore[call-arg]
    assert Settings(BOT_DATABASE="x/y.sqlite3").database == Path("x/y.sqlite3")  # type: ignore[call-arg]


def test_the_password_is_never_shown() -> None:
    assert redacted(URL) == "postgresql://bot:***@db.internal:5432/hirebot"
    assert redacted("postgresql://bot@db/x") == "postgresql://bot@db/x"
    assert redacted(Path("data/bot.sqlite3")) == "data/bot.sqlite3"


def test_file_only_commands_name_themselves() -> None:
    assert sqlite_file(Path("a.sqlite3"), "A file copy") == Path("a.sqlite3")
    with pytest.raises(NotOnPostgreSQL, match="A file copy works on a SQLite file"):
        sqlite_file(URL, "A file copy")


def test_a_file_only_command_says_so_and_shows_no_password(tmp_path: Path) -> None:
    from tests.conftest import run_bot

    done = run_bot("db", "backup", str(tmp_path / "copy.sqlite3"), env={"BOT_DATABASE": URL})
    assert done.returncode == 1
    assert "works on a SQLite file" in done.stderr and "pg_dump" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    from tests.conftest import run_bot

    done = run_bot("transcripts", "list", env={"BOT_DATABASE": URL})
    assert done.returncode == 1
    assert "Could not reach the transcript database at" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout

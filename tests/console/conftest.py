"""The console over a real database, driven over HTTP with httpx (FastAPI's TestClient).

Its fixtures run each test twice: on a SQLite file and on a PostgreSQL database of the
tests' own server."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.console.app import create_app
from bot.database_location import Location
from bot.settings import Settings
from bot.store import users
from bot.store.connections import Database
from tests.transcripts.conftest import Sample, build_sample

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def console_db(database: Location) -> Location:
    """An empty, migrated transcript database with one recruiter and one admin."""
    Database(database).prepare()
    add_account(database, "rita", "recruiter")
    add_account(database, "adam", "admin")
    return database


def add_account(path: Location, name: str, role: str, password: str = PASSWORD) -> None:
    """Add an account to a database the store has migrated."""
    with Database(path).writer() as db:
        users.add_user(db, name, role, password)


def console_settings(path: Location, **overrides: object) -> Settings:
    return Settings(database=path, **overrides)


@pytest.fixture
def client(console_db: Location) -> Iterator[TestClient]:
    """A browser with no session yet."""
    with TestClient(create_app(console_settings(console_db)), follow_redirects=False) as c:
        yield c


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in; returns the session's CSRF token (read from the inbox page)."""
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(form.text), "next": "/"},
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


@pytest.fixture
def recruiter(client: TestClient) -> TestClient:
    """`client`, signed in as the recruiter rita; `client.csrf` holds the form token."""
    client.csrf = login(client, "rita")  # type: ignore[attr-defined]
    return client


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    client.csrf = login(client, "adam")  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def sample_db(database: Location, monkeypatch: pytest.MonkeyPatch) -> Sample:
    """tests/transcripts' four conversations (see `build_sample`), plus rita and adam."""
    sample = await build_sample(database, monkeypatch)
    monkeypatch.undo()
    add_account(sample.path, "rita", "recruiter")
    add_account(sample.path, "adam", "admin")
    return sample


@pytest.fixture
def sample_client(sample_db: Sample) -> Iterator[TestClient]:
    """Signed in as rita over the sample; `.csrf` holds the form token."""
    with TestClient(create_app(console_settings(sample_db.path)), follow_redirects=False) as c:
        c.csrf = login(c, "rita")  # type: ignore[attr-defined]
        yield c

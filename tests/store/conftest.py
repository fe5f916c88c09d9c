"""Shared helpers for the transcript store tests: a real SQLite file in tmp_path or a
real PostgreSQL database, read back from outside the store, and faults that make the
store's database refuse on demand."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.util import await_only

from bot.database_location import Location
from bot.store import TranscriptStore
from tests.conftest import query

__all__ = ["query"]  # shared with every test folder; kept here for the store's tests

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")
DISK_FULL = "database or disk is full"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite file, for what only SQLite does (PRAGMAs, its locks, a killed writer)."""
    return tmp_path / "bot.sqlite3"


def revision(location: Location) -> str:
    """The Alembic revision the database is at."""
    return str(query(location, "SELECT version_num FROM alembic_version")[0][0])


def count(location: Location, table: str) -> int:
    return int(query(location, f"SELECT count(*) FROM {table}")[0][0])


def spill_lines(store: TranscriptStore) -> list[str]:
    if not store.spill_path.exists():
        return []
    return store.spill_path.read_text(encoding="utf-8").splitlines()


async def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Poll `condition` until it holds; fail the test at the deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.005)


@dataclass
class Faults:
    """What the store's database does right now; tests flip these mid-run. Attached to a
    store's real engine: SQL, transactions and the file are real, only the refusal is
    made up."""

    disk_full: bool = False  # statements that write raise "database or disk is full"
    hold_writes: bool = False  # a write waits until `release` is set
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def attach(self, store: TranscriptStore) -> TranscriptStore:
        @event.listens_for(store.engine.sync_engine, "before_cursor_execute")
        def _check(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
            if not sql.lstrip().upper().startswith(WRITES):
                return
            if self.hold_writes:
                self.entered.set()
                await_only(self.release.wait())  # inside SQLAlchemy's greenlet
            if self.disk_full:  # as SQLAlchemy reports any driver's refusal
                raise OperationalError(sql, None, Exception(DISK_FULL))

        return store


@pytest.fixture
def faults() -> Iterator[Faults]:
    yield Faults()

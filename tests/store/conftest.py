"""Shared helpers for the transcript store tests: a real SQLite file in tmp_path,
reading it back with plain sqlite3, and a connection double that fails on demand."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.store import TranscriptStore

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")
DISK_FULL = "database or disk is full"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the database file from outside the store, like a recruiter report would."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


def revision(path: Path) -> str:
    """The Alembic revision the file is at."""
    return str(query(path, "SELECT version_num FROM alembic_version")[0][0])


def count(path: Path, table: str) -> int:
    return query(path, f"SELECT count(*) FROM {table}")[0][0]


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
    """What a FaultyConnection does right now; tests flip these mid-run."""

    disk_full: bool = False  # statements that write raise "database or disk is full"
    hold_writes: bool = False  # executemany waits until `release` is set
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


class FaultyConnection:
    """A real aiosqlite connection whose writes fail or stall when told to.

    Only the connection is a double: SQL, transactions and the file are real.
    """

    def __init__(self, db: aiosqlite.Connection, faults: Faults) -> None:
        self._db = db
        self._faults = faults

    def _check(self, sql: str) -> None:
        if self._faults.disk_full and sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError(DISK_FULL)

    def execute(self, sql: str, parameters: Any = None) -> Any:
        self._check(sql)
        return self._db.execute(sql, parameters)

    async def executemany(self, sql: str, parameters: Any) -> Any:
        if self._faults.hold_writes:
            self._faults.entered.set()
            await self._faults.release.wait()
        self._check(sql)
        return await self._db.executemany(sql, parameters)

    async def executescript(self, script: str) -> Any:
        if self._faults.disk_full:
            raise sqlite3.OperationalError(DISK_FULL)
        return await self._db.executescript(script)

    def __getattr__(self, name: str) -> Any:  # commit, rollback, close
        return getattr(self._db, name)


def faulty_connect(faults: Faults) -> Callable[[Path], Any]:
    async def connect(path: Path) -> FaultyConnection:
        return FaultyConnection(await aiosqlite.connect(path), faults)

    return connect


@pytest.fixture
def faults() -> Iterator[Faults]:
    yield Faults()

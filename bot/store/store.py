"""TranscriptStore: one writer task batches events into SQLite; nothing is lost.

`record()` only appends to an in-memory buffer, so logging never slows or
breaks a reply. The writer task stores the buffer in batches, one transaction
each. If SQLite refuses (locked, read-only, disk full), the rows stay in the
buffer and are retried with back-off; once the buffer is full, new rows go to
a JSONL spill file beside the database, which the next start replays. A
graceful close flushes everything, spilling what the database still refuses.
A row the database can never take (a constraint refuses it) is set aside in a
second JSONL file, `<db>.rejected.jsonl`, instead of blocking the rows behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import aiosqlite

from bot.store.events import (
    CandidateSeen,
    ConversationState,
    Event,
    FeedbackGiven,
    MessageLogged,
    from_json,
    to_json,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
BATCH_WINDOW_S = 0.05
BUFFER_LIMIT = 20_000
BUSY_TIMEOUT_MS = 1000
MAX_BACKOFF_S = 2.0
# Errors that come from a row itself, not from the database: retrying cannot help.
ROW_ERRORS = (
    sqlite3.IntegrityError,
    sqlite3.ProgrammingError,
    sqlite3.InterfaceError,
    sqlite3.DataError,
    TypeError,
    ValueError,
    OverflowError,
)

Connect = Callable[[Path], Any]


class TranscriptStore:
    """The conversation log in one SQLite file. Open it at start-up, close it at shutdown."""

    def __init__(
        self,
        path: Path,
        *,
        batch_size: int = BATCH_SIZE,
        batch_window_s: float = BATCH_WINDOW_S,
        buffer_limit: int = BUFFER_LIMIT,
        connect: Connect = aiosqlite.connect,
        observe: Callable[[float, bool], None] | None = None,
    ) -> None:
        """`observe(seconds, ok)` is told of every batch write, for metrics."""
        self.path = path
        self.spill_path = path.with_name(path.name + ".spill.jsonl")
        self.rejected_path = path.with_name(path.name + ".rejected.jsonl")
        self._batch_size = batch_size
        self._window = batch_window_s
        self._limit = buffer_limit
        self._connect = connect
        self._observe = observe or (lambda seconds, ok: None)
        self._buffer: deque[Event] = deque()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()  # set by close(): cuts a back-off short
        self._db: aiosqlite.Connection | None = None
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._lock = asyncio.Lock()  # one transaction at a time on the connection
        self._ready = False
        self.healthy = True  # False while the database refuses writes
        self.written = 0
        self.spilled = 0
        self.rejected = 0

    # -- life cycle ---------------------------------------------------------------

    async def open(self) -> None:
        """Start the writer. If the database can't be set up yet, the bot still runs:
        rows wait in the buffer and the spill file, and the writer keeps trying."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            await self._setup()
        except (sqlite3.Error, OSError) as exc:
            log.error("transcript store unavailable, will retry: %s", exc)
            self.healthy = False
        self._writer = asyncio.create_task(self._write_loop(), name="transcript-writer")

    async def _setup(self) -> None:
        """Connect, migrate and replay the spill file. Retention is a job of its own
        (bot.runtime.retention): opening deletes nothing."""
        if self._db is None:
            # Imported here: Alembic and SQLAlchemy cost 0.25 s that `ask` never needs.
            from bot.store.migrations.upgrade import upgrade

            await upgrade(self.path)
            db = await self._connect(self.path)
            try:
                await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                await db.execute("PRAGMA synchronous = NORMAL")
            except BaseException:
                await db.close()
                raise
            self._db = db
        await self._replay_spill()
        self._ready = True

    async def close(self) -> None:
        """Store everything still buffered (or spill it), then disconnect."""
        self._closing = True
        self._wake.set()
        self._stop.set()
        if self._writer is not None:
            await self._writer
        if self._buffer:
            self._spill(list(self._buffer))
            self._buffer.clear()
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def __aenter__(self) -> TranscriptStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- writing --------------------------------------------------------------------

    def record(self, event: Event) -> None:
        """Queue one event. Never blocks and never raises on database trouble."""
        if len(self._buffer) >= self._limit:
            self._spill([event])
            return
        self._buffer.append(event)
        if len(self._buffer) >= self._batch_size:
            self._wake.set()

    @property
    def is_open(self) -> bool:
        """The writer runs (even while the database refuses writes and rows wait)."""
        return self._writer is not None and not self._writer.done()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until the buffer is stored; False if it is not within `timeout_s`."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._buffer:
            self._wake.set()
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            await asyncio.sleep(min(self._window / 2, left, 0.01))
        return True

    async def _write_loop(self) -> None:
        backoff = first_backoff = min(self._window, MAX_BACKOFF_S)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._window)
            self._wake.clear()
            while self._buffer or not self._ready:
                batch = [self._buffer[i] for i in range(min(self._batch_size, len(self._buffer)))]
                try:
                    if not self._ready:
                        self.path.parent.mkdir(parents=True, exist_ok=True)
                        await self._setup()
                    started = time.perf_counter()
                    stored = await self._store(batch, self._write)
                    self._observe(time.perf_counter() - started, True)
                except (sqlite3.Error, OSError) as exc:
                    self._observe(0.0, False)
                    if self.healthy:
                        log.warning("transcript store refuses writes, retrying: %s", exc)
                    self.healthy = False
                    if self._closing:
                        return  # close() spills what is left
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), timeout=backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                    continue
                # Not a count: erase_candidate may have dropped rows of this batch meanwhile.
                for event in batch:
                    if self._buffer and self._buffer[0] is event:
                        self._buffer.popleft()
                self.written += stored
                if not self.healthy:
                    log.warning("transcript store writes again")
                self.healthy = True
                backoff = first_backoff
            if self._closing:
                return

    async def _store(
        self, batch: list[Event], write: Callable[[list[Event]], Awaitable[None]]
    ) -> int:
        """Write `batch`; returns how many rows were stored. A row that the database
        will never take is set aside in the rejected file, not retried for ever in
        front of the others."""
        try:
            await write(batch)
            return len(batch)
        except ROW_ERRORS:
            pass  # find the culprit: one row at a time
        stored = 0
        for event in batch:
            try:
                await write([event])
            except ROW_ERRORS as exc:
                log.error(
                    "transcript row refused for good, set aside in %s: %s %s",
                    self.rejected_path,
                    type(event).__name__,
                    exc,
                )
                self.rejected += self._append(self.rejected_path, [event])
            else:
                stored += 1
        return stored

    async def _write(self, batch: list[Event]) -> None:
        if not batch:
            return
        async with self._lock:
            await self._write_locked(batch)

    async def _write_locked(self, batch: list[Event]) -> None:
        db = self._require_db()
        candidates, states, messages, feedback = [], [], [], []
        for event in batch:
            if isinstance(event, MessageLogged):
                messages.append(event)
            elif isinstance(event, CandidateSeen):
                candidates.append(event)
            elif isinstance(event, ConversationState):
                states.append(event)
            elif isinstance(event, FeedbackGiven):
                feedback.append(event)
        try:
            await db.execute("BEGIN IMMEDIATE")
            await db.executemany(
                """INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    display_name = coalesce(excluded.display_name, display_name),
                    username = coalesce(excluded.username, username),
                    language = coalesce(excluded.language, language),
                    last_seen_at = max(last_seen_at, excluded.last_seen_at)""",
                [
                    (
                        e.candidate,
                        e.channel,
                        e.external_id,
                        e.display_name,
                        e.username,
                        e.language,
                        e.at,
                        e.at,
                    )
                    for e in candidates
                ],
            )
            # A status or vote replayed from the spill file may be older than the stored
            # one: the latest wins, by time (ties go to the later write).
            await db.executemany(
                """INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    status = CASE WHEN excluded.last_activity_at >= last_activity_at
                        THEN excluded.status ELSE status END,
                    started_at = min(started_at, excluded.started_at),
                    last_activity_at = max(last_activity_at, excluded.last_activity_at)""",
                [(e.conversation, e.candidate, e.posting, e.status, e.at, e.at) for e in states],
            )
            await db.executemany(
                """INSERT OR IGNORE INTO messages
                (id, conversation, candidate, seq, direction, channel, text, topics, outcome,
                 confidence, latency_ms, created_at, lang)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        e.message,
                        e.conversation,
                        e.candidate,
                        e.seq,
                        e.direction,
                        e.channel,
                        e.text,
                        ",".join(e.topics),
                        e.outcome,
                        e.confidence,
                        e.latency_ms,
                        e.at,
                        e.lang,
                    )
                    for e in messages
                ],
            )
            await db.executemany(
                """UPDATE conversations SET last_activity_at = max(last_activity_at, ?)
                WHERE id = ?""",
                [(e.at, e.conversation) for e in messages],
            )
            await db.executemany(
                """INSERT INTO feedback VALUES (?, ?, ?, ?)
                ON CONFLICT (message) DO UPDATE SET helpful = excluded.helpful, at = excluded.at
                WHERE excluded.at >= at""",
                [(e.message, e.candidate, int(e.helpful), e.at) for e in feedback],
            )
            await db.commit()
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await db.rollback()
            raise

    # -- the spill file -----------------------------------------------------------------

    def _spill(self, events: list[Event]) -> None:
        self.spilled += self._append(self.spill_path, events)

    def _append(self, path: Path, events: list[Event]) -> int:
        """Append events to a JSONL file, durably; returns how many. Logged loudly if
        even that fails."""
        try:
            text = "".join(to_json(e) + "\n" for e in events)
            with path.open("a+b") as handle:
                if handle.seek(0, os.SEEK_END) and _last_byte(handle) != b"\n":
                    text = "\n" + text  # else a line cut by a crash would swallow the next
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        except (OSError, TypeError, ValueError):
            log.exception("cannot keep %d transcript rows in %s", len(events), path)
            return 0
        return len(events)

    async def _replay_spill(self) -> None:
        if not self.spill_path.exists():
            return
        # The lock keeps erase_candidate from rewriting the file under the replay.
        async with self._lock:
            data = self.spill_path.read_bytes()
            events: list[Event] = []
            # A crash can cut the last line inside a character: that line is skipped below.
            for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
                if not line:
                    continue
                try:
                    events.append(from_json(line))
                except (ValueError, KeyError, TypeError):
                    # A line cut short by a crash mid-write: everything before it is whole.
                    log.warning("skipping unreadable spill line %d in %s", number, self.spill_path)
            # If the database refuses, the file is kept whole and the start is retried.
            for start in range(0, len(events), self._batch_size):
                batch = events[start : start + self._batch_size]
                await self._store(batch, self._write_locked)
            # record() may have spilled more rows while we replayed: keep those.
            with self.spill_path.open("rb") as handle:
                handle.seek(len(data))
                later = handle.read()
            if later:
                _replace(self.spill_path, later)
            else:
                self.spill_path.unlink()
        log.info("replayed %d transcript rows from %s", len(events), self.spill_path)

    # -- privacy ---------------------------------------------------------------------------

    async def erase_candidate(self, candidate: str) -> int:
        """Delete every row about `candidate`: buffered, spilled and rejected ones included."""
        self._buffer = deque(e for e in self._buffer if e.candidate != candidate)
        db = self._require_db()
        removed = 0
        async with self._lock:  # not while a replay reads the spill file
            for path in (self.spill_path, self.rejected_path):
                if path.exists():
                    kept = [
                        line
                        for line in path.read_text("utf-8", "replace").splitlines()
                        if _spilled_candidate(line) != candidate
                    ]
                    _replace(path, "".join(f"{line}\n" for line in kept).encode("utf-8"))
            for table in ("conversation_notes", "conversation_reviews", "recruiter_replies"):
                cursor = await db.execute(
                    f"DELETE FROM {table} WHERE conversation IN "
                    "(SELECT id FROM conversations WHERE candidate = ?)",
                    (candidate,),
                )
                removed += cursor.rowcount
            for table, column in (
                ("notifications", "candidate"),
                ("feedback", "candidate"),
                ("messages", "candidate"),
                ("conversations", "candidate"),
                ("candidates", "key"),
            ):
                cursor = await db.execute(f"DELETE FROM {table} WHERE {column} = ?", (candidate,))
                removed += cursor.rowcount
            await db.commit()
        return removed

    async def purge_older_than(self, days: int) -> int:
        """Delete conversations whose last activity is older than `days`; returns how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
        db = self._require_db()
        old = "SELECT id FROM conversations WHERE last_activity_at < ?"
        async with self._lock:
            await db.execute(
                f"DELETE FROM feedback WHERE message IN "
                f"(SELECT id FROM messages WHERE conversation IN ({old}))",
                (cutoff,),
            )
            await db.execute(
                f"DELETE FROM notifications WHERE message IN "
                f"(SELECT id FROM messages WHERE conversation IN ({old}))",
                (cutoff,),
            )
            for table in ("conversation_notes", "conversation_reviews", "recruiter_replies"):
                await db.execute(f"DELETE FROM {table} WHERE conversation IN ({old})", (cutoff,))
            await db.execute(f"DELETE FROM messages WHERE conversation IN ({old})", (cutoff,))
            cursor = await db.execute(
                "DELETE FROM conversations WHERE last_activity_at < ?", (cutoff,)
            )
            for table, column in (("notifications", "candidate"), ("candidates", "key")):
                await db.execute(
                    f"DELETE FROM {table} WHERE {column} NOT IN "
                    "(SELECT candidate FROM conversations)"
                )
            await db.commit()
        if cursor.rowcount:
            log.info("purged %d conversations older than %d days", cursor.rowcount, days)
        return cursor.rowcount

    def _require_db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the transcript store is not open")
        return self._db


def _last_byte(handle: BinaryIO) -> bytes:
    handle.seek(-1, os.SEEK_END)
    return handle.read(1)


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: a crash leaves the old file or the new one."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def _spilled_candidate(line: str) -> str | None:
    try:
        return from_json(line).candidate
    except (ValueError, KeyError, TypeError):
        return None

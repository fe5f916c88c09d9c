"""TranscriptStore: one writer task batches events into the database; nothing is lost.

`record()` only appends to an in-memory buffer, so logging never slows or
breaks a reply. The writer task stores the buffer in batches, one transaction
each. If the database refuses (locked, read-only, disk full), the rows stay in
the buffer and are retried with back-off; once the buffer is full, new rows go
to a JSONL spill file beside the database, which the next start replays. A
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

from sqlalchemy import ColumnElement, Table, bindparam, case, delete, func, select, update
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    ProgrammingError,
    StatementError,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.database_location import Location, is_postgresql, redacted
from bot.store.database import conflict_insert, engine_for
from bot.store.events import (
    CandidateSeen,
    ConversationState,
    Event,
    FeedbackGiven,
    MessageLogged,
    from_json,
    to_json,
)
from bot.store.sql import storable
from bot.store.tables import (
    candidates,
    conversation_notes,
    conversation_reviews,
    conversations,
    feedback,
    messages,
    notifications,
    recruiter_replies,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
BATCH_WINDOW_S = 0.05
BUFFER_LIMIT = 20_000
MAX_BACKOFF_S = 2.0
RETENTION_LOCK = 0x68697266  # PostgreSQL advisory lock key of the retention purge
# The database refuses for now (locked, read-only, disk full, unreachable): retry.
REFUSALS = (DBAPIError, sqlite3.Error, OSError)


class TranscriptStore:
    """The conversation log in one database. Open it at start-up, close it at shutdown."""

    def __init__(
        self,
        location: Location,
        *,
        spill_dir: Path | None = None,
        batch_size: int = BATCH_SIZE,
        batch_window_s: float = BATCH_WINDOW_S,
        buffer_limit: int = BUFFER_LIMIT,
        observe: Callable[[float, bool], None] | None = None,
    ) -> None:
        """`location` is a SQLite file or a PostgreSQL URL. The spill and rejected files
        go beside a SQLite file, or in `spill_dir` (default data/) for PostgreSQL.
        `observe(seconds, ok)` is told of every batch write, for metrics."""
        self.location = location
        self.name = redacted(location)
        if is_postgresql(location):
            folder, stem = spill_dir or Path("data"), "postgresql"
        else:
            folder, stem = Path(location).parent, Path(location).name
        self.spill_path = folder / f"{stem}.spill.jsonl"
        self.rejected_path = folder / f"{stem}.rejected.jsonl"
        self._batch_size = batch_size
        self._window = batch_window_s
        self._limit = buffer_limit
        # Creating it does no I/O; tests hook its events to make the database refuse.
        self.engine: AsyncEngine = engine_for(location)
        self._observe = observe or (lambda seconds, ok: None)
        self._buffer: deque[Event] = deque()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()  # set by close(): cuts a back-off short
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._lock = asyncio.Lock()  # one transaction at a time
        self._ready = False  # migrated and the spill file replayed
        self.healthy = True  # False while the database refuses writes
        self.written = 0
        self.spilled = 0
        self.rejected = 0

    # -- life cycle ---------------------------------------------------------------

    async def open(self) -> None:
        """Start the writer. If the database can't be set up yet, the bot still runs:
        rows wait in the buffer and the spill file, and the writer keeps trying."""
        try:
            await self._setup()
        except REFUSALS as exc:
            log.error("transcript store unavailable, will retry: %s", exc)
            self.healthy = False
        self._writer = asyncio.create_task(self._write_loop(), name="transcript-writer")

    async def _setup(self) -> None:
        """Migrate and replay the spill file. Retention is a job of its own
        (bot.runtime.retention): opening deletes nothing."""
        # Imported here: Alembic costs 0.1 s that `ask` never needs.
        from bot.store.migrations.upgrade import upgrade

        self.spill_path.parent.mkdir(parents=True, exist_ok=True)
        await upgrade(self.location)
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
        await self.engine.dispose()

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
                        await self._setup()
                    started = time.perf_counter()
                    stored = await self._store(batch, self._write)
                    self._observe(time.perf_counter() - started, True)
                except REFUSALS as exc:
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
        except Exception as exc:
            if not _row_error(exc):
                raise
        stored = 0  # find the culprit: one row at a time
        for event in batch:
            try:
                await write([event])
            except Exception as exc:
                if not _row_error(exc):
                    raise
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
        rows: dict[type[Any], list[Any]] = {}
        for event in batch:
            rows.setdefault(type(event), []).append(event)
        async with self.engine.begin() as db:
            await _write_rows(db, rows)

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
        """Store the spill file's rows and remove them from it; raises (keeping the file
        whole, so that the start is retried) if the database refuses. Replayed rows are
        never stored twice: their ids are the caller's."""
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
        self._require_ready()
        theirs = select(conversations.c.id).where(conversations.c.candidate == candidate)
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
            async with self.engine.begin() as db:
                for table in (conversation_notes, conversation_reviews, recruiter_replies):
                    removed += await _delete(db, table, table.c.conversation.in_(theirs))
                for table, column in (
                    (notifications, notifications.c.candidate),
                    (feedback, feedback.c.candidate),
                    (messages, messages.c.candidate),
                    (conversations, conversations.c.candidate),
                    (candidates, candidates.c.key),
                ):
                    removed += await _delete(db, table, column == candidate)
        return removed

    async def purge_older_than(self, days: int) -> int:
        """Delete conversations whose last activity is older than `days`; returns how many."""
        self._require_ready()
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
        old = select(conversations.c.id).where(conversations.c.last_activity_at < cutoff)
        old_messages = select(messages.c.id).where(messages.c.conversation.in_(old))
        async with self._lock, self.engine.begin() as db:
            # Replicas on one PostgreSQL server: one purges, the others skip.
            if db.dialect.name == "postgresql" and not await db.scalar(
                select(func.pg_try_advisory_xact_lock(RETENTION_LOCK))
            ):
                log.info("retention purge skipped: another process is purging")
                return 0
            await _delete(db, feedback, feedback.c.message.in_(old_messages))
            await _delete(db, notifications, notifications.c.message.in_(old_messages))
            for table in (conversation_notes, conversation_reviews, recruiter_replies):
                await _delete(db, table, table.c.conversation.in_(old))
            await _delete(db, messages, messages.c.conversation.in_(old))
            purged = await _delete(db, conversations, conversations.c.last_activity_at < cutoff)
            active = select(conversations.c.candidate)
            await _delete(db, notifications, notifications.c.candidate.not_in(active))
            await _delete(db, candidates, candidates.c.key.not_in(active))
        if purged:
            log.info("purged %d conversations older than %d days", purged, days)
        return purged

    def _require_ready(self) -> None:
        if not self._ready:
            raise RuntimeError("the transcript store is not open")


async def _write_rows(db: AsyncConnection, rows: dict[type[Any], list[Any]]) -> None:
    """One batch's rows, in one transaction. Replayed rows may be older than stored ones:
    the latest status, vote and activity win, by time (ties go to the later write)."""
    if seen := rows.get(CandidateSeen):
        insert = conflict_insert(db, candidates)
        new = insert.excluded
        await db.execute(
            insert.on_conflict_do_update(
                index_elements=[candidates.c.key],
                set_={
                    "display_name": func.coalesce(new.display_name, candidates.c.display_name),
                    "username": func.coalesce(new.username, candidates.c.username),
                    "language": func.coalesce(new.language, candidates.c.language),
                    "last_seen_at": _later(candidates.c.last_seen_at, new.last_seen_at),
                },
            ),
            [
                {
                    "key": e.candidate,
                    "channel": e.channel,
                    "external_id": e.external_id,
                    "display_name": e.display_name and storable(e.display_name),
                    "username": e.username,
                    "language": e.language,
                    "first_seen_at": e.at,
                    "last_seen_at": e.at,
                }
                for e in seen
            ],
        )
    if states := rows.get(ConversationState):
        insert = conflict_insert(db, conversations)
        new = insert.excluded
        stored = conversations.c
        await db.execute(
            insert.on_conflict_do_update(
                index_elements=[stored.id],
                set_={
                    "status": case(
                        (new.last_activity_at >= stored.last_activity_at, new.status),
                        else_=stored.status,
                    ),
                    "started_at": _earlier(stored.started_at, new.started_at),
                    "last_activity_at": _later(stored.last_activity_at, new.last_activity_at),
                },
            ),
            [
                {
                    "id": e.conversation,
                    "candidate": e.candidate,
                    "posting": e.posting,
                    "status": e.status,
                    "started_at": e.at,
                    "last_activity_at": e.at,
                }
                for e in states
            ],
        )
    if logged := rows.get(MessageLogged):
        await db.execute(
            conflict_insert(db, messages).on_conflict_do_nothing(index_elements=[messages.c.id]),
            [
                {
                    "id": e.message,
                    "conversation": e.conversation,
                    "candidate": e.candidate,
                    "seq": e.seq,
                    "direction": e.direction,
                    "channel": e.channel,
                    "text": storable(e.text),
                    "topics": ",".join(e.topics),
                    "outcome": e.outcome,
                    "confidence": e.confidence,
                    "latency_ms": e.latency_ms,
                    "created_at": e.at,
                    "lang": e.lang,
                }
                for e in logged
            ],
        )
        await db.execute(
            update(conversations)
            .where(conversations.c.id == bindparam("conversation_id"))
            .values(last_activity_at=_later(conversations.c.last_activity_at, bindparam("at"))),
            [{"conversation_id": e.conversation, "at": e.at} for e in logged],
        )
    if votes := rows.get(FeedbackGiven):
        insert = conflict_insert(db, feedback)
        new = insert.excluded
        await db.execute(
            insert.on_conflict_do_update(
                index_elements=[feedback.c.message],
                set_={"helpful": new.helpful, "at": new.at},
                where=new.at >= feedback.c.at,
            ),
            [
                {
                    "message": e.message,
                    "candidate": e.candidate,
                    "helpful": int(e.helpful),
                    "at": e.at,
                }
                for e in votes
            ],
        )


def _later(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a >= b, a), else_=b)


def _earlier(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a <= b, a), else_=b)


async def _delete(db: AsyncConnection, table: Table, where: ColumnElement[bool]) -> int:
    result = await db.execute(delete(table).where(where))
    return result.rowcount


def _row_error(exc: BaseException) -> bool:
    """An error that comes from a row itself (a constraint, a value the driver can't
    take), not from the database refusing for now."""
    if isinstance(exc, IntegrityError | ProgrammingError | InterfaceError | DataError):
        return True
    if isinstance(exc, DBAPIError):
        return False  # OperationalError and the like: the database, not the row
    return isinstance(exc, StatementError | TypeError | ValueError | OverflowError)


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

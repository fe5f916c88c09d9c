"""Online backup and offline restore of the transcript database (SQLite's backup API)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

BUSY_TIMEOUT_S = 10.0
PAGES_PER_STEP = 1024  # copy in steps so the running bot's writers are never held long


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


def integrity(path: Path) -> str:
    """SQLite's `integrity_check` verdict: "ok" or the first problems."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


def backup(source: Path, dest: Path) -> int:
    """Copy `source` to `dest` while the bot may be writing; a consistent snapshot,
    checked with integrity_check. Returns the number of stored messages."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if dest.exists():
        raise BackupError(f"{dest} exists; choose a new file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)) as src,
        closing(sqlite3.connect(partial)) as out,
    ):
        src.backup(out, pages=PAGES_PER_STEP)
    verdict = integrity(partial)
    if verdict != "ok":
        partial.unlink()
        raise BackupError(f"the copy failed integrity_check: {verdict}")
    partial.rename(dest)
    return _messages(dest)


def restore(source: Path, dest: Path) -> int:
    """Replace `dest` with the backup `source`. The bot must be stopped: this refuses
    when another connection holds the database."""
    verdict = integrity(source)
    if verdict != "ok":
        raise BackupError(f"{source} fails integrity_check: {verdict}; not restored")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dest, timeout=0.1, isolation_level=None)) as out:
        try:
            out.execute("BEGIN EXCLUSIVE")
            out.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            raise BackupError(f"{dest} is in use ({exc}); stop the bot first") from None
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src:
            src.backup(out)
    for leftover in (dest.with_name(dest.name + ".spill.jsonl"),):
        if leftover.exists():  # rows of the replaced database would be replayed into it
            leftover.rename(leftover.with_name(leftover.name + ".before-restore"))
    return _messages(dest)


def _messages(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM messages").fetchone()[0])
        except sqlite3.OperationalError:
            return 0

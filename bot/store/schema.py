"""Versioned schema migrations, applied in order at start-up (PRAGMA user_version).

There are no foreign-key constraints on purpose: after a spill-file replay, a
message may be stored before its conversation, and a constraint would then
refuse a row that is only early. Erasing a candidate deletes from every table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import aiosqlite

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE candidates (
        key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        external_id TEXT NOT NULL,
        display_name TEXT,
        username TEXT,
        language TEXT,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        candidate TEXT NOT NULL,
        posting TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'handed_off', 'closed')),
        started_at TEXT NOT NULL,
        last_activity_at TEXT NOT NULL
    );
    CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation TEXT NOT NULL,
        candidate TEXT NOT NULL,
        seq INTEGER NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        channel TEXT NOT NULL,
        text TEXT NOT NULL,
        topics TEXT NOT NULL DEFAULT '',
        outcome TEXT,
        confidence REAL,
        latency_ms REAL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX messages_by_conversation ON messages (conversation, seq);
    CREATE TABLE feedback (
        message TEXT PRIMARY KEY,
        candidate TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        at TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: the detected language per message, and indexes for the recruiter reports.
    """
    ALTER TABLE messages ADD COLUMN lang TEXT;
    CREATE INDEX messages_by_time ON messages (created_at);
    CREATE INDEX messages_by_outcome ON messages (outcome, created_at);
    CREATE INDEX conversations_by_activity ON conversations (last_activity_at);
    CREATE INDEX conversations_by_candidate ON conversations (candidate);
    """,
    # 3: erasing a candidate must not scan every message.
    """
    CREATE INDEX messages_by_candidate ON messages (candidate);
    CREATE INDEX feedback_by_candidate ON feedback (candidate);
    """,
    # 4: answers sent later to candidates whose question had none (`kb notify`), at most
    # one per candidate and topic. `message` is the id of the logged message, as in feedback.
    """
    CREATE TABLE notifications (
        candidate TEXT NOT NULL,
        topic TEXT NOT NULL,
        message TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (candidate, topic)
    );
    CREATE INDEX notifications_by_message ON notifications (message);
    """,
    # 5: the recruiter console. Full-text search over messages (external content, so the
    # text is stored once; triggers keep the index in step, erasure included), the
    # console's accounts, sessions, failed logins, reviews, private notes and audit log.
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        text, content = 'messages', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
    END;
    CREATE INDEX conversations_by_posting ON conversations (posting, last_activity_at);
    CREATE INDEX messages_by_lang ON messages (lang, conversation);
    -- The console's inbox: "has a reply with this outcome" from the index alone.
    CREATE INDEX messages_by_outcome_conversation ON messages (outcome, conversation);
    -- The console's Trends: per-day figures read from this index alone (covering).
    CREATE INDEX messages_by_day ON messages (
        substr(created_at, 1, 10), direction, outcome, lang, topics, conversation
    );

    CREATE TABLE console_users (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('recruiter', 'admin')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    );
    CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL COLLATE NOCASE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE INDEX console_sessions_by_user ON console_sessions (user);
    CREATE TABLE console_login_failures (
        at TEXT NOT NULL,
        user TEXT NOT NULL COLLATE NOCASE,
        ip TEXT NOT NULL
    );
    CREATE INDEX console_login_failures_by_user ON console_login_failures (user, at);
    CREATE INDEX console_login_failures_by_ip ON console_login_failures (ip, at);
    CREATE TABLE conversation_reviews (
        conversation TEXT PRIMARY KEY,
        reviewed_by TEXT NOT NULL,
        reviewed_at TEXT NOT NULL
    );
    CREATE TABLE conversation_notes (
        id INTEGER PRIMARY KEY,
        conversation TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX conversation_notes_by_conversation ON conversation_notes (conversation);
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        conversation TEXT,
        detail TEXT NOT NULL DEFAULT '',
        ip TEXT
    );
    CREATE INDEX audit_log_by_time ON audit_log (at);
    """,
    # 6: the console for daily use. A read-only role (SQLite cannot alter a CHECK: the
    # table is rebuilt, every row kept); each account's last visit per page ("since my
    # last visit"); recruiters' replies written in the console, which the bot sends.
    """
    CREATE TABLE console_users_v6 (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'recruiter', 'admin')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    );
    INSERT INTO console_users_v6 SELECT * FROM console_users;
    DROP TABLE console_users;
    ALTER TABLE console_users_v6 RENAME TO console_users;
    CREATE TABLE console_visits (
        user TEXT NOT NULL COLLATE NOCASE,
        page TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        previous_at TEXT,
        PRIMARY KEY (user, page)
    );
    CREATE TABLE recruiter_replies (
        id INTEGER PRIMARY KEY,
        conversation TEXT NOT NULL,
        candidate TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        error TEXT
    );
    CREATE INDEX recruiter_replies_unsent ON recruiter_replies (id) WHERE sent_at IS NULL;
    CREATE INDEX recruiter_replies_by_conversation ON recruiter_replies (conversation);
    CREATE INDEX console_login_failures_by_pair ON console_login_failures (user, ip, at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring `db` to the latest version; returns the version it had.

    Each step takes the write lock (BEGIN IMMEDIATE) before it reads the version again,
    so that another process migrating the same file at the same moment (a console
    beside the bot) is waited for, not repeated. Each step and its version bump are
    one transaction."""
    found = await _version(db)
    if found > SCHEMA_VERSION:
        raise RuntimeError(f"database schema v{found} is newer than this bot (v{SCHEMA_VERSION})")
    for version in range(found, SCHEMA_VERSION):
        await db.execute("BEGIN IMMEDIATE")
        try:
            if await _version(db) <= version:
                for statement in statements(MIGRATIONS[version]):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version + 1}")
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
    return found


def statements(script: str) -> Iterator[str]:
    """A migration's statements one by one (a trigger's body stays whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip() and not all(
        part.strip().startswith("--") for part in pending.splitlines() if part.strip()
    ):
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:80]}")


async def _version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0

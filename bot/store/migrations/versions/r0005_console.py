"""5: the recruiter console. Full-text search over messages (external content, so the text is
stored once; triggers keep the index in step, erasure included), the console's accounts,
sessions, failed logins, reviews, private notes and audit log.
"""

from bot.store.migrations.sqlite_script import run_script

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQL = """
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

"""


def upgrade() -> None:
    run_script(SQL)

"""1: the first schema."""

from bot.store.migrations.sqlite_script import run_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQL = """
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

"""


def upgrade() -> None:
    run_script(SQL)

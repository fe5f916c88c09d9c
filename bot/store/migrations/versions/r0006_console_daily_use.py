"""6: the console for daily use. A read-only role (SQLite cannot alter a CHECK: the table is
rebuilt, every row kept); each account's last visit per page ("since my last visit");
recruiters' replies written in the console, which the bot sends.
"""

from bot.store.migrations.sqlite_script import run_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQL = """
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

"""


def upgrade() -> None:
    run_script(SQL)

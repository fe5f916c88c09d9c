"""2: the detected language per message, and indexes for the recruiter reports."""

from bot.store.migrations.sqlite_script import run_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL = """
    ALTER TABLE messages ADD COLUMN lang TEXT;
    CREATE INDEX messages_by_time ON messages (created_at);
    CREATE INDEX messages_by_outcome ON messages (outcome, created_at);
    CREATE INDEX conversations_by_activity ON conversations (last_activity_at);
    CREATE INDEX conversations_by_candidate ON conversations (candidate);

"""


def upgrade() -> None:
    run_script(SQL)

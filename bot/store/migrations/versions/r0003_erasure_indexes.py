"""3: erasing a candidate must not scan every message."""

from bot.store.migrations.sqlite_script import run_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL = """
    CREATE INDEX messages_by_candidate ON messages (candidate);
    CREATE INDEX feedback_by_candidate ON feedback (candidate);

"""


def upgrade() -> None:
    run_script(SQL)

"""4: answers sent later to candidates whose question had none (`kb notify`), at most one per
candidate and topic. `message` is the id of the logged message, as in feedback.
"""

from bot.store.migrations.sqlite_script import run_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQL = """
    CREATE TABLE notifications (
        candidate TEXT NOT NULL,
        topic TEXT NOT NULL,
        message TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (candidate, topic)
    );
    CREATE INDEX notifications_by_message ON notifications (message);

"""


def upgrade() -> None:
    run_script(SQL)

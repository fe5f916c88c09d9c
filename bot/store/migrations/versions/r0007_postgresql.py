"""7: PostgreSQL. Revisions 1 to 6 are SQLite's own history and do nothing on PostgreSQL;
this one builds the same schema there (names that SQLite compares without case use
citext). On SQLite it does nothing. From here on, revisions serve both."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import CITEXT

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS citext")
    text, real, integer = sa.Text, sa.Float, sa.Integer
    op.create_table(
        "candidates",
        sa.Column("key", text, primary_key=True),
        sa.Column("channel", text, nullable=False),
        sa.Column("external_id", text, nullable=False),
        sa.Column("display_name", text),
        sa.Column("username", text),
        sa.Column("language", text),
        sa.Column("first_seen_at", text, nullable=False),
        sa.Column("last_seen_at", text, nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("id", text, primary_key=True),
        sa.Column("candidate", text, nullable=False),
        sa.Column("posting", text, nullable=False),
        sa.Column("status", text, nullable=False),
        sa.Column("started_at", text, nullable=False),
        sa.Column("last_activity_at", text, nullable=False),
        sa.CheckConstraint("status IN ('open', 'handed_off', 'closed')"),
    )
    op.create_index("conversations_by_activity", "conversations", ["last_activity_at"])
    op.create_index("conversations_by_candidate", "conversations", ["candidate"])
    op.create_index("conversations_by_posting", "conversations", ["posting", "last_activity_at"])
    op.create_table(
        "messages",
        sa.Column("id", text, primary_key=True),
        sa.Column("conversation", text, nullable=False),
        sa.Column("candidate", text, nullable=False),
        sa.Column("seq", integer, nullable=False),
        sa.Column("direction", text, nullable=False),
        sa.Column("channel", text, nullable=False),
        sa.Column("text", text, nullable=False),
        sa.Column("topics", text, nullable=False, server_default=""),
        sa.Column("outcome", text),
        sa.Column("confidence", real),
        sa.Column("latency_ms", real),
        sa.Column("created_at", text, nullable=False),
        sa.Column("lang", text),
        sa.CheckConstraint("direction IN ('in', 'out')"),
    )
    for name, columns in (
        ("messages_by_conversation", ["conversation", "seq"]),
        ("messages_by_time", ["created_at"]),
        ("messages_by_outcome", ["outcome", "created_at"]),
        ("messages_by_candidate", ["candidate"]),
        ("messages_by_lang", ["lang", "conversation"]),
        ("messages_by_outcome_conversation", ["outcome", "conversation"]),
    ):
        op.create_index(name, "messages", columns)
    op.create_index(
        "messages_by_day",
        "messages",
        [
            sa.text("substr(created_at, 1, 10)"),
            "direction",
            "outcome",
            "lang",
            "topics",
            "conversation",
        ],
    )
    op.create_table(
        "feedback",
        sa.Column("message", text, primary_key=True),
        sa.Column("candidate", text, nullable=False),
        sa.Column("helpful", integer, nullable=False),
        sa.Column("at", text, nullable=False),
        sa.CheckConstraint("helpful IN (0, 1)"),
    )
    op.create_index("feedback_by_candidate", "feedback", ["candidate"])
    op.create_table(
        "meta",
        sa.Column("key", text, primary_key=True),
        sa.Column("value", text, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("candidate", text, nullable=False),
        sa.Column("topic", text, nullable=False),
        sa.Column("message", text, nullable=False),
        sa.Column("sent_at", text, nullable=False),
        sa.PrimaryKeyConstraint("candidate", "topic"),
    )
    op.create_index("notifications_by_message", "notifications", ["message"])
    op.create_table(
        "console_users",
        sa.Column("name", CITEXT, primary_key=True),
        sa.Column("role", text, nullable=False),
        sa.Column("password_hash", text, nullable=False),
        sa.Column("disabled", integer, nullable=False, server_default="0"),
        sa.Column("created_at", text, nullable=False),
        sa.Column("password_changed_at", text, nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'recruiter', 'admin')"),
        sa.CheckConstraint("disabled IN (0, 1)"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", text, primary_key=True),
        sa.Column("user", CITEXT, nullable=False),
        sa.Column("csrf", text, nullable=False),
        sa.Column("created_at", text, nullable=False),
        sa.Column("last_seen_at", text, nullable=False),
    )
    op.create_index("console_sessions_by_user", "console_sessions", ["user"])
    op.create_table(
        "console_login_failures",
        sa.Column("at", text, nullable=False),
        sa.Column("user", CITEXT, nullable=False),
        sa.Column("ip", text, nullable=False),
    )
    for name, columns in (
        ("console_login_failures_by_user", ["user", "at"]),
        ("console_login_failures_by_ip", ["ip", "at"]),
        ("console_login_failures_by_pair", ["user", "ip", "at"]),
    ):
        op.create_index(name, "console_login_failures", columns)
    op.create_table(
        "conversation_reviews",
        sa.Column("conversation", text, primary_key=True),
        sa.Column("reviewed_by", text, nullable=False),
        sa.Column("reviewed_at", text, nullable=False),
    )
    op.create_table(
        "conversation_notes",
        sa.Column("id", integer, primary_key=True),
        sa.Column("conversation", text, nullable=False),
        sa.Column("author", text, nullable=False),
        sa.Column("text", text, nullable=False),
        sa.Column("created_at", text, nullable=False),
    )
    op.create_index("conversation_notes_by_conversation", "conversation_notes", ["conversation"])
    op.create_table(
        "audit_log",
        sa.Column("id", integer, primary_key=True),
        sa.Column("at", text, nullable=False),
        sa.Column("user", text, nullable=False),
        sa.Column("action", text, nullable=False),
        sa.Column("conversation", text),
        sa.Column("detail", text, nullable=False, server_default=""),
        sa.Column("ip", text),
    )
    op.create_index("audit_log_by_time", "audit_log", ["at"])
    op.create_table(
        "console_visits",
        sa.Column("user", CITEXT, nullable=False),
        sa.Column("page", text, nullable=False),
        sa.Column("seen_at", text, nullable=False),
        sa.Column("previous_at", text),
        sa.PrimaryKeyConstraint("user", "page"),
    )
    op.create_table(
        "recruiter_replies",
        sa.Column("id", integer, primary_key=True),
        sa.Column("conversation", text, nullable=False),
        sa.Column("candidate", text, nullable=False),
        sa.Column("author", text, nullable=False),
        sa.Column("text", text, nullable=False),
        sa.Column("created_at", text, nullable=False),
        sa.Column("sent_at", text),
        sa.Column("error", text),
    )
    op.create_index(
        "recruiter_replies_unsent",
        "recruiter_replies",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index("recruiter_replies_by_conversation", "recruiter_replies", ["conversation"])

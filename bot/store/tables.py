"""Every table of the transcript database, as one SQLAlchemy MetaData: the schema that
the Alembic revisions build (a test compares the two on every dialect)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import CITEXT

metadata = MetaData()
# Compared without case: COLLATE NOCASE on SQLite, citext on PostgreSQL.
NoCase = Text().with_variant(CITEXT(), "postgresql")

candidates = Table(
    "candidates",
    metadata,
    Column("key", Text, primary_key=True),
    Column("channel", Text, nullable=False),
    Column("external_id", Text, nullable=False),
    Column("display_name", Text),
    Column("username", Text),
    Column("language", Text),
    Column("first_seen_at", Text, nullable=False),
    Column("last_seen_at", Text, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("candidate", Text, nullable=False),
    Column("posting", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("last_activity_at", Text, nullable=False),
    CheckConstraint("status IN ('open', 'handed_off', 'closed')"),
    Index("conversations_by_activity", "last_activity_at"),
    Index("conversations_by_candidate", "candidate"),
    Index("conversations_by_posting", "posting", "last_activity_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Text, primary_key=True),
    Column("conversation", Text, nullable=False),
    Column("candidate", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("direction", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("topics", Text, nullable=False, server_default=""),
    Column("outcome", Text),
    Column("confidence", Float),
    Column("latency_ms", Float),
    Column("created_at", Text, nullable=False),
    Column("lang", Text),
    CheckConstraint("direction IN ('in', 'out')"),
    Index("messages_by_conversation", "conversation", "seq"),
    Index("messages_by_time", "created_at"),
    Index("messages_by_outcome", "outcome", "created_at"),
    Index("messages_by_candidate", "candidate"),
    Index("messages_by_lang", "lang", "conversation"),
    Index("messages_by_outcome_conversation", "outcome", "conversation"),
    # The console's Trends: per-day figures read from this index alone (covering).
    Index(
        "messages_by_day",
        text("substr(created_at, 1, 10)"),
        "direction",
        "outcome",
        "lang",
        "topics",
        "conversation",
    ),
)

feedback = Table(
    "feedback",
    metadata,
    Column("message", Text, primary_key=True),
    Column("candidate", Text, nullable=False),
    Column("helpful", Integer, nullable=False),
    Column("at", Text, nullable=False),
    CheckConstraint("helpful IN (0, 1)"),
    Index("feedback_by_candidate", "candidate"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# Answers sent later by `kb notify`: at most one per candidate and topic.
notifications = Table(
    "notifications",
    metadata,
    Column("candidate", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("sent_at", Text, nullable=False),
    PrimaryKeyConstraint("candidate", "topic"),
    Index("notifications_by_message", "message"),
)

console_users = Table(
    "console_users",
    metadata,
    Column("name", NoCase, primary_key=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    Column("password_changed_at", Text, nullable=False),
    CheckConstraint("role IN ('viewer', 'recruiter', 'admin')"),
    CheckConstraint("disabled IN (0, 1)"),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", Text, primary_key=True),
    Column("user", NoCase, nullable=False),
    Column("csrf", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("last_seen_at", Text, nullable=False),
    Index("console_sessions_by_user", "user"),
)

console_login_failures = Table(
    "console_login_failures",
    metadata,
    Column("at", Text, nullable=False),
    Column("user", NoCase, nullable=False),
    Column("ip", Text, nullable=False),
    Index("console_login_failures_by_user", "user", "at"),
    Index("console_login_failures_by_ip", "ip", "at"),
    Index("console_login_failures_by_pair", "user", "ip", "at"),
)

conversation_reviews = Table(
    "conversation_reviews",
    metadata,
    Column("conversation", Text, primary_key=True),
    Column("reviewed_by", Text, nullable=False),
    Column("reviewed_at", Text, nullable=False),
)

conversation_notes = Table(
    "conversation_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("conversation_notes_by_conversation", "conversation"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("conversation", Text),
    Column("detail", Text, nullable=False, server_default=""),
    Column("ip", Text),
    Index("audit_log_by_time", "at"),
)

console_visits = Table(
    "console_visits",
    metadata,
    Column("user", NoCase, nullable=False),
    Column("page", Text, nullable=False),
    Column("seen_at", Text, nullable=False),
    Column("previous_at", Text),
    PrimaryKeyConstraint("user", "page"),
)

recruiter_replies = Table(
    "recruiter_replies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation", Text, nullable=False),
    Column("candidate", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("sent_at", Text),
    Column("error", Text),
    Index(
        "recruiter_replies_unsent",
        "id",
        sqlite_where=text("sent_at IS NULL"),
        postgresql_where=text("sent_at IS NULL"),
    ),
    Index("recruiter_replies_by_conversation", "conversation"),
)

"""The one settings object, read once from the environment (see README, Configuration)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.database_location import Location, parse_location

TELEGRAM_API = "https://api.telegram.org/bot"
# Command-line flags (their argparse `dest`) and the setting each one overrides.
FLAGS = {
    "knowledge": "knowledge",
    "posting": "posting",
    "database": "database",
    "host": "console_host",
    "port": "console_port",
    "days": "retention_days",
}


class Settings(BaseSettings):
    """Process-wide configuration. Nothing else reads os.environ."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    knowledge: Path = Field(
        Path("knowledge"),
        validation_alias="BOT_KNOWLEDGE",
        description="Knowledge folder. `--knowledge DIR` overrides it per command.",
    )
    posting: str | None = Field(
        None,
        validation_alias="BOT_POSTING",
        description="Posting a conversation is bound to. `--posting SLUG` overrides it.",
        json_schema_extra={
            "shown_default": "the posting marked `default: true`, else the first by slug"
        },
    )
    watch_knowledge: bool = Field(
        True,
        validation_alias="BOT_WATCH_KNOWLEDGE",
        description=(
            "Reload the knowledge base when a file in its folder changes (see [Editing "
            "the knowledge base](#editing-the-knowledge-base)). SIGHUP and `/reload` work"
            " either way."
        ),
    )
    telegram_bot_token: SecretStr | None = Field(
        None,
        validation_alias="TELEGRAM_BOT_TOKEN",
        description=(
            "The bot's token from @BotFather. Set: `run` serves Telegram; unset: the "
            "terminal chat. Never logged (a log filter redacts it and the webhook secret "
            "everywhere)."
        ),
    )
    telegram_base_url: str = Field(
        TELEGRAM_API,
        validation_alias="TELEGRAM_BASE_URL",
        description=(
            "Bot API base URL, for a self-hosted Bot API server or tests "
            "(`http://127.0.0.1:8081/bot`)."
        ),
    )
    database: Annotated[Location, BeforeValidator(parse_location)] = Field(
        Path("data/bot.sqlite3"),
        validation_alias="BOT_DATABASE",
        description=(
            "The transcript store: a SQLite file, or a PostgreSQL URL "
            "(`postgresql://user:password@host/db`) for the bot, the console and every "
            "command (`db backup`/`restore` copy SQLite files; PostgreSQL has its own "
            "backups). `--database` overrides it per command."
        ),
    )
    retention_days: int = Field(
        180,
        ge=1,
        validation_alias="BOT_RETENTION_DAYS",
        description=(
            "Conversations with no activity for this many days are deleted by the "
            "Telegram bot's retention job (at start, then every 6 hours) and by "
            "`transcripts purge` (`--days N` overrides it); opening the database deletes "
            "nothing. `/privacy` quotes it."
        ),
    )
    log_level: str = Field(
        "WARNING",
        validation_alias="BOT_LOG_LEVEL",
        description=(
            "Python logging level. httpx and httpcore stay at WARNING whatever it is, "
            "since their request lines contain the token."
        ),
    )
    log_format: Literal["text", "json"] = Field(
        "text",
        validation_alias="BOT_LOG_FORMAT",
        description=(
            "`json`: one JSON object per line with `severity`, `message`, `logger`, "
            "`time` (what GKE's log agent reads); python-telegram-bot's records too."
        ),
    )
    liveness_timeout_s: float = Field(
        30.0,
        gt=0,
        validation_alias="BOT_LIVENESS_TIMEOUT",
        description="`/healthz` fails once the event loop's heartbeat is this many seconds old.",
    )

    recruiter_chat_id: int | None = Field(
        None,
        validation_alias="BOT_RECRUITER_CHAT_ID",
        description=(
            "The recruiters' Telegram group (a negative id such as `-1001234567890`). "
            "Hand-offs are posted there; recruiters answer by replying, or from the "
            "console's hand-off queue. Unset: `/human` tells the candidate no recruiter "
            "is connected."
        ),
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(),
        validation_alias="BOT_ADMIN_IDS",
        description=(
            "Telegram user ids allowed to use `/stats`, `/unanswered` and `/reload` and "
            "who get error alerts, comma-separated: `123,456`."
        ),
        json_schema_extra={"shown_default": "none"},
    )
    handoff_reply_hours: int = Field(
        48,
        ge=1,
        validation_alias="BOT_HANDOFF_REPLY_HOURS",
        description=(
            'What the candidate is told about when a recruiter answers ("usually within '
            '48 hours on working days").'
        ),
    )
    flood_messages: int = Field(
        8,
        ge=1,
        validation_alias="BOT_FLOOD_MESSAGES",
        description=(
            "Per-candidate flood rule: past this many messages in `BOT_FLOOD_SECONDS` the"
            " candidate is asked once to slow down; further messages are logged, not "
            "answered."
        ),
    )
    flood_seconds: float = Field(
        10.0,
        gt=0,
        validation_alias="BOT_FLOOD_SECONDS",
        description="The flood rule's sliding window, in seconds.",
    )
    # Telegram's own limit is about 30 messages per second; 0 disables the limiter
    # (the benchmark does, to measure the bot rather than the cap).
    telegram_max_rate: float = Field(
        30.0,
        ge=0,
        validation_alias="BOT_TELEGRAM_MAX_RATE",
        description=(
            "Messages per second to Telegram overall (its own cap); `0` turns the limiter"
            " off (the benchmark does)."
        ),
    )

    webhook_url: str | None = Field(
        None,
        validation_alias="BOT_WEBHOOK_URL",
        description=(
            "Set: webhook mode; the bot registers this public HTTPS URL with Telegram and"
            " serves its path (default `/telegram`) on the HTTP server below. Unset: long"
            " polling."
        ),
    )
    webhook_secret: SecretStr | None = Field(
        None,
        validation_alias="BOT_WEBHOOK_SECRET",
        description=(
            "The `secret_token` Telegram sends with every webhook call (1-256 of `A-Z a-z"
            " 0-9 _ -`); a call without it gets 403."
        ),
        json_schema_extra={"shown_default": "random per start"},
    )
    http_host: str = Field(
        "127.0.0.1",
        validation_alias="BOT_HTTP_HOST",
        description=(
            "The bot's operations server (see [Operations](#operations)): `/healthz`, "
            "`/readyz`, `/metrics`, and the webhook in webhook mode. In a container use "
            "`0.0.0.0`."
        ),
    )
    http_port: int = Field(
        8080,
        ge=0,
        le=65535,
        validation_alias="BOT_HTTP_PORT",
        description="The operations server's port; `0` picks a free port.",
    )

    # The recruiter console: `python -m bot console`, or inside `run` when BOT_CONSOLE is on.
    console: bool = Field(
        False,
        validation_alias="BOT_CONSOLE",
        description=(
            "`true`: `run` also serves the [recruiter console](#recruiter-console) in the"
            " same process (Telegram mode). Otherwise run it on its own with `python -m "
            "bot console`."
        ),
    )
    console_host: str = Field(
        "127.0.0.1",
        validation_alias="BOT_CONSOLE_HOST",
        description="Where the console listens. `--host` overrides it for `python -m bot console`.",
    )
    console_port: int = Field(
        8000,
        ge=0,
        le=65535,
        validation_alias="BOT_CONSOLE_PORT",
        description="The console's port. `--port` overrides it for `python -m bot console`.",
    )
    # Signs session cookies; when unset, a random key is kept in the database.
    console_secret: SecretStr | None = Field(
        None,
        validation_alias="BOT_CONSOLE_SECRET",
        description=(
            "Signs the console's session cookies. Set it (32+ random characters) when the"
            " database file is shared more widely than the console."
        ),
        json_schema_extra={"shown_default": "a random key kept in the database"},
    )
    console_idle_minutes: int = Field(
        120,
        ge=1,
        validation_alias="BOT_CONSOLE_IDLE_MINUTES",
        description="A console session ends after this long without a request.",
    )
    console_session_hours: int = Field(
        12,
        ge=1,
        validation_alias="BOT_CONSOLE_SESSION_HOURS",
        description="A console session ends this long after sign-in, in any case.",
    )
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated, or "*").
    console_trusted_proxies: str = Field(
        "127.0.0.1",
        validation_alias="BOT_CONSOLE_TRUSTED_PROXIES",
        description=(
            "Addresses (comma-separated, or `*`) of the reverse proxy in front of the "
            "console, whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: the "
            "client address for sign-in limits, HTTPS for the `Secure` cookie."
        ),
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """`BOT_ADMIN_IDS=123,456` (commas or spaces)."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -."""
        if value is not None:
            secret = value.get_secret_value()
            allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            if not 1 <= len(secret) <= 256 or not set(secret) <= allowed:
                raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value


def with_flags(settings: Settings, args: object) -> Settings:
    """The settings with the command line's flags applied: the one place a flag
    overrides the environment. A flag left out (None) keeps the setting."""
    given = {field: getattr(args, flag, None) for flag, field in FLAGS.items()}
    updates = {field: value for field, value in given.items() if value is not None}
    return settings.model_copy(update=updates) if updates else settings


def markdown_table() -> str:
    """The README's configuration table, generated from the fields above."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for field in Settings.model_fields.values():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = field.default
        if "shown_default" in extra:
            shown = str(extra["shown_default"])
        elif default is None:
            shown = "unset"
        else:
            value = str(default).lower() if isinstance(default, bool) else str(default)
            shown = f"`{value[:-2] if value.endswith('.0') else value}`"
        rows.append(f"| `{field.validation_alias}` | {shown} | {field.description} |")
    return "\n".join(rows) + "\n"

"""The one settings object, read once from the environment (see README, Configuration)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Process-wide configuration. Nothing else reads os.environ."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    knowledge: Path = Field(Path("knowledge"), validation_alias="BOT_KNOWLEDGE")
    posting: str | None = Field(None, validation_alias="BOT_POSTING")
    watch_knowledge: bool = Field(True, validation_alias="BOT_WATCH_KNOWLEDGE")
    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(TELEGRAM_API, validation_alias="TELEGRAM_BASE_URL")
    database: Path = Field(Path("data/bot.sqlite3"), validation_alias="BOT_DATABASE")
    retention_days: int = Field(180, ge=1, validation_alias="BOT_RETENTION_DAYS")
    log_level: str = Field("WARNING", validation_alias="BOT_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", validation_alias="BOT_LOG_FORMAT")
    liveness_timeout_s: float = Field(30.0, gt=0, validation_alias="BOT_LIVENESS_TIMEOUT")

    recruiter_chat_id: int | None = Field(None, validation_alias="BOT_RECRUITER_CHAT_ID")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="BOT_ADMIN_IDS"
    )
    handoff_reply_hours: int = Field(48, ge=1, validation_alias="BOT_HANDOFF_REPLY_HOURS")
    flood_messages: int = Field(8, ge=1, validation_alias="BOT_FLOOD_MESSAGES")
    flood_seconds: float = Field(10.0, gt=0, validation_alias="BOT_FLOOD_SECONDS")
    # Telegram's own limit is about 30 messages per second; 0 disables the limiter
    # (the benchmark does, to measure the bot rather than the cap).
    telegram_max_rate: float = Field(30.0, ge=0, validation_alias="BOT_TELEGRAM_MAX_RATE")

    webhook_url: str | None = Field(None, validation_alias="BOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(None, validation_alias="BOT_WEBHOOK_SECRET")
    http_host: str = Field("127.0.0.1", validation_alias="BOT_HTTP_HOST")
    http_port: int = Field(8080, ge=0, le=65535, validation_alias="BOT_HTTP_PORT")

    # The recruiter console: `python -m bot console`, or inside `run` when BOT_CONSOLE is on.
    console: bool = Field(False, validation_alias="BOT_CONSOLE")
    console_host: str = Field("127.0.0.1", validation_alias="BOT_CONSOLE_HOST")
    console_port: int = Field(8000, ge=0, le=65535, validation_alias="BOT_CONSOLE_PORT")
    # Signs session cookies; when unset, a random key is kept in the database.
    console_secret: SecretStr | None = Field(None, validation_alias="BOT_CONSOLE_SECRET")
    console_idle_minutes: int = Field(120, ge=1, validation_alias="BOT_CONSOLE_IDLE_MINUTES")
    console_session_hours: int = Field(12, ge=1, validation_alias="BOT_CONSOLE_SESSION_HOURS")
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated, or "*").
    console_trusted_proxies: str = Field(
        "127.0.0.1", validation_alias="BOT_CONSOLE_TRUSTED_PROXIES"
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

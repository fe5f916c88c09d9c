"""The one settings object, read once from the environment (see README, Configuration)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Process-wide configuration. Nothing else reads os.environ."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    knowledge: Path = Field(Path("knowledge"), validation_alias="BOT_KNOWLEDGE")
    posting: str | None = Field(None, validation_alias="BOT_POSTING")
    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    database: Path = Field(Path("data/bot.sqlite3"), validation_alias="BOT_DATABASE")
    retention_days: int = Field(180, ge=1, validation_alias="BOT_RETENTION_DAYS")
    log_level: str = Field("WARNING", validation_alias="BOT_LOG_LEVEL")

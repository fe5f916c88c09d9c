"""Logging for every command: one format, quiet HTTP libraries, secrets redacted."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from bot.settings import Settings

REDACTED = "[REDACTED]"
# httpx logs every request URL at INFO, and Telegram's URLs contain the token.
QUIET_LOGGERS = ("httpx", "httpcore")


class RedactSecrets(logging.Filter):
    """Replaces each secret with [REDACTED] in the final message, whatever logged it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and any(s in record.exc_text for s in self._secrets):
            for secret in self._secrets:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        # Formatters use exc_text when exc_info is gone: only the redacted trace is left.
        record.exc_info = None
        return True


def configure_logging(settings: Settings) -> None:
    """Text for people, or JSON lines (BOT_LOG_FORMAT=json) with the field names GKE's
    log agent reads: `severity` and `message`. PTB's own records go the same way."""
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"levelname": "severity", "asctime": "time", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    secrets = [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.webhook_secret)
        if s is not None
    ]
    for root_handler in logging.getLogger().handlers:
        root_handler.addFilter(RedactSecrets(secrets))

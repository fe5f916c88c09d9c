"""Logging for every command: one format, quiet HTTP libraries, secrets redacted."""

from __future__ import annotations

import logging

from bot.settings import Settings

REDACTED = "[REDACTED]"
# httpx logs every request URL at INFO, and Telegram's URLs contain the token.
QUIET_LOGGERS = ("httpx", "httpcore", "uvicorn.access")


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
        return True


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    secrets = [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.webhook_secret)
        if s is not None
    ]
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(secrets))

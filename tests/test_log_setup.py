"""Log lines: JSON with GKE's field names when asked, and never a secret."""

from __future__ import annotations

import json
import logging

import pytest

from bot.log_setup import configure_logging
from bot.settings import Settings

TOKEN = "123456:very-secret-token"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_use_gke_field_names_and_redact_the_token(capsys, restore_logging):
    configure_logging(
        Settings(BOT_LOG_FORMAT="json", BOT_LOG_LEVEL="INFO", TELEGRAM_BOT_TOKEN=TOKEN)
    )
    log = logging.getLogger("telegram.ext.Updater")  # PTB's records take the same path
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed on /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["severity"] for line in lines] == ["INFO", "ERROR"]
    assert lines[0]["message"] == "calling https://api.telegram.org/bot[REDACTED]/getMe"
    assert lines[0]["logger"] == "telegram.ext.Updater" and "time" in lines[0]
    assert "RuntimeError" in lines[1]["exc_info"]
    assert TOKEN not in json.dumps(lines) and "very-secret-token" not in json.dumps(lines)


def test_text_is_the_default(capsys, restore_logging):
    configure_logging(Settings(BOT_LOG_LEVEL="INFO"))
    logging.getLogger("bot.test").info("hello")
    assert capsys.readouterr().err.rstrip().endswith("INFO bot.test hello")
    assert logging.getLogger("httpx").level == logging.WARNING

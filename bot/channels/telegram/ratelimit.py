"""Telegram's rate limits, plus retries for the errors that pass by themselves."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

# Errors that retrying can't fix: the request itself is wrong or not allowed.
PERMANENT = (BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated)
TRANSIENT_RETRIES = 6
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
RETRY_AFTER_RETRIES = 10

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class ResilientRateLimiter(AIORateLimiter):
    """AIORateLimiter (Telegram's global and per-group caps, waits out 429 RetryAfter),
    plus back-off retries on 5xx and network errors, so a short outage loses no reply.
    getUpdates is left alone: the updater has its own retry loop."""

    def __init__(
        self,
        overall_max_rate: float,
        transient_retries: int = TRANSIENT_RETRIES,
        on_error: Callable[[Exception], None] | None = None,
        on_sent: Callable[[str, float], None] | None = None,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=RETRY_AFTER_RETRIES)
        self._transient_retries = transient_retries
        self._on_error = on_error
        self._on_sent = on_sent

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        on_error = self._on_error

        async def counted(*a: Any, **k: Any) -> JSONResult:
            """Every failed attempt, the ones AIORateLimiter retries itself included."""
            try:
                return await callback(*a, **k)
            except TelegramError as exc:
                if on_error:
                    on_error(exc)
                raise

        backoff = FIRST_BACKOFF_S
        started = time.perf_counter()
        for attempt in range(self._transient_retries + 1):
            try:
                result = await super().process_request(
                    counted, args, kwargs, endpoint, data, rate_limit_args
                )
                if self._on_sent and endpoint != "getUpdates":  # a long poll is not a send
                    self._on_sent(endpoint, time.perf_counter() - started)
                return result
            except PERMANENT:
                raise
            except (RetryAfter, NetworkError) as exc:  # TimedOut is a NetworkError too
                if endpoint == "getUpdates" or attempt == self._transient_retries:
                    raise
                if isinstance(exc, RetryAfter):  # AIORateLimiter already retried it
                    raise
                log.warning("telegram %s failed, retrying in %.1f s: %s", endpoint, backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(2 * backoff, MAX_BACKOFF_S)
        raise AssertionError("unreachable")

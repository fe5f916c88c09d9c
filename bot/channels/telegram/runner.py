"""Running the Telegram bot: start-up, polling or webhook, and a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import signal
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.channels.telegram.application import build_application, prepare, services_of
from bot.channels.telegram.web import WebServer, web_app
from bot.core.dialogue import Responder
from bot.kb.reload import KnowledgeReloader, ReloadResult
from bot.settings import Settings
from bot.store import TranscriptStore

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram"
STARTUP_BACKOFF_S = (1, 2, 5, 10, 30)


class TelegramBot:
    """The Telegram channel with its store and HTTP server, started and stopped as one."""

    def __init__(self, settings: Settings, responder: Responder) -> None:
        self.settings = settings
        self.store = TranscriptStore(settings.database, retention_days=settings.retention_days)
        self.webhook = settings.webhook_url is not None
        self.application: Application = build_application(
            settings, responder, self.store, webhook=self.webhook
        )
        svc = services_of(self.application)
        self.reloader = KnowledgeReloader(
            settings.knowledge,
            settings.posting,
            responder,
            on_swap=lambda fresh: setattr(svc, "responder", fresh),
            on_refused=self._refused,
        )
        svc.reloader = self.reloader
        self._watcher: asyncio.Task[None] | None = None
        secret = settings.webhook_secret
        self._secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        path = urlparse(settings.webhook_url or "").path or DEFAULT_WEBHOOK_PATH
        self.web = WebServer(
            web_app(self.application, self.health, path if self.webhook else None, self._secret),
            settings.http_host,
            settings.http_port,
        )

    def health(self) -> dict[str, Any]:
        """What /healthz reports: the bot, the knowledge base and the store."""
        updater = self.application.updater
        bot_ok = self.application.running and (updater is None or updater.running)
        checks = {
            "bot": {"ok": bot_ok, "mode": "webhook" if self.webhook else "polling"},
            "knowledge": self.reloader.health(),
            "store": {"ok": self.store.healthy, "pending": self.store.pending},
        }
        return {"ok": all(c["ok"] for c in checks.values()), **checks}

    async def start(self, stopping: asyncio.Event | None = None) -> None:
        """Open the store, reach Telegram (retrying while it is unreachable), serve."""
        await self.store.open()
        await self._initialize(stopping or asyncio.Event())
        await prepare(self.application)
        await self.web.start()
        await self.application.start()
        if self.webhook:
            await self.application.bot.set_webhook(
                self.settings.webhook_url or "",
                secret_token=self._secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
                error_callback=_polling_error,
            )
        if self.settings.watch_knowledge:
            self._watcher = asyncio.create_task(self.reloader.watch(), name="knowledge-watcher")
        log.info(
            "telegram bot @%s serving (%s), http port %d",
            self.application.bot.username,
            "webhook" if self.webhook else "polling",
            self.web.port,
        )

    async def _initialize(self, stopping: asyncio.Event) -> None:
        for attempt in itertools.count():
            try:
                await self.application.initialize()
                return
            except InvalidToken:
                raise
            except (NetworkError, RetryAfter) as exc:
                delay = STARTUP_BACKOFF_S[min(attempt, len(STARTUP_BACKOFF_S) - 1)]
                log.warning("telegram unreachable at start-up, retrying in %d s: %s", delay, exc)
                try:
                    await asyncio.wait_for(stopping.wait(), delay)
                except TimeoutError:
                    continue
                raise asyncio.CancelledError from exc

    async def stop(self) -> None:
        """Stop taking updates, answer those already taken, flush the store."""
        app = self.application
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        # Before the application: a webhook call accepted now could no longer be answered.
        await self.web.stop()
        if app.running:
            await app.stop()  # processes every update already received
        await app.shutdown()  # a no-op if it never initialised
        await self.store.close()

    async def _refused(self, result: ReloadResult) -> None:
        """A broken knowledge edit: the admins hear of it at once."""
        svc = services_of(self.application)
        await svc.alerts.send(self.application.bot, f"⚠️ {result.describe()}", urgent=True)


def _polling_error(error: TelegramError) -> None:
    if isinstance(error, Conflict):
        log.error("another instance is polling with this token (409 Conflict): %s", error)
    else:
        log.warning("getUpdates failed, retrying: %s", error)


async def serve(settings: Settings, responder: Responder) -> int:
    """Run until SIGTERM or SIGINT; 0 after a graceful stop."""
    bot = TelegramBot(settings, responder)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    reloads: set[asyncio.Task[object]] = set()

    def on_sighup() -> None:
        task = loop.create_task(bot.reloader.reload("SIGHUP", force=True))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, on_sighup)
    try:
        await bot.start(stopping)
        await stopping.wait()
        log.info("stopping: answering the updates already received")
    except InvalidToken:
        log.error("Telegram refused the token (TELEGRAM_BOT_TOKEN): check it with @BotFather")
        return 1
    except asyncio.CancelledError:
        pass  # stopped while still starting
    finally:
        await bot.stop()
    return 0

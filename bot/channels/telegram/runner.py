"""Running the Telegram bot: start-up, polling or webhook, and a graceful stop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import secrets
import signal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram import console_replies
from bot.channels.telegram.application import build_application, prepare, services_of
from bot.channels.telegram.services import BotApplication
from bot.core.dialogue import Responder
from bot.ops.heartbeat import Heartbeat
from bot.ops.metrics import (
    STORE_FAILURES,
    STORE_QUEUE,
    STORE_WRITE,
)
from bot.ops.server import OpsServer, Webhook
from bot.runtime import retention
from bot.runtime.reload import KnowledgeReloader, ReloadResult
from bot.settings import Settings
from bot.store import TranscriptStore
from bot.store.handoffs import ReplyOutbox

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram"
STARTUP_BACKOFF_S = (1, 2, 5, 10, 30)
ACCEPT_TIMEOUT_S = 5.0  # a webhook call waits this long for a stuck loop


class TelegramBot:
    """The Telegram channel with its store and HTTP server, started and stopped as one."""

    def __init__(self, settings: Settings, responder: Responder) -> None:
        self.settings = settings
        self.store = TranscriptStore(settings.database, observe=_observe_write)
        STORE_QUEUE.set_function(lambda: self.store.pending)
        self.webhook = settings.webhook_url is not None
        self.application: BotApplication = build_application(
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
        secret = settings.webhook_secret
        self._secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        path = urlparse(settings.webhook_url or "").path or DEFAULT_WEBHOOK_PATH
        hook = Webhook(path, self._secret, self._accept) if self.webhook else None
        self.heartbeat = Heartbeat()
        self.ops = OpsServer(
            settings.http_host, settings.http_port, self.liveness, self.readiness, hook
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._background: list[asyncio.Task[None]] = []
        self.console: uvicorn.Server | None = None
        self._console_task: asyncio.Task[None] | None = None
        if settings.console:  # the recruiter console in this process (BOT_CONSOLE)
            from bot.console.server import EmbeddedServer, config

            self.console = EmbeddedServer(config(settings))

    def liveness(self) -> dict[str, Any]:
        """/healthz: fails only when the event loop is stuck. Telegram being unreachable
        or the database refusing writes must not restart the pod: the bot copes."""
        age = self.heartbeat.age()
        last = self.reloader.last
        return {
            "ok": age < self.settings.liveness_timeout_s,
            "heartbeat_age_s": round(age, 3),
            # Shown, never failed on: the previous version still serves (details: /readyz).
            "knowledge_reload": last.status if last else None,
        }

    def readiness(self) -> dict[str, Any]:
        """/readyz: the knowledge base is loaded and the store open; details for humans."""
        updater = self.application.updater
        bot_ok = self.application.running and (updater is None or updater.running)
        return {
            "ok": bot_ok and self.store.is_open,
            "bot": {"ok": bot_ok, "mode": "webhook" if self.webhook else "polling"},
            "knowledge": self.reloader.health(),
            "store": {
                "ok": self.store.is_open,
                "writing": self.store.healthy,
                "pending": self.store.pending,
            },
        }

    def _accept(self, data: dict[str, Any]) -> bool:
        """A webhook update, from the server's thread; False if the loop can't take it."""
        loop = self._loop
        if loop is None or not self.application.running:
            return False
        future = asyncio.run_coroutine_threadsafe(self._enqueue(data), loop)
        try:
            return future.result(timeout=ACCEPT_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return False

    async def _enqueue(self, data: dict[str, Any]) -> bool:
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("webhook body is not an update, dropped: %s", exc)
            return True  # a retry would bring the same body back
        await self.application.update_queue.put(update)
        return True

    async def start(self, stopping: asyncio.Event | None = None) -> None:
        """Open the store, reach Telegram (retrying while it is unreachable), serve."""
        self._loop = asyncio.get_running_loop()
        self._background.append(asyncio.create_task(self.heartbeat.run(), name="heartbeat"))
        self.ops.start()  # liveness answers from now on, readiness once all is up
        await self.store.open()
        purge = retention.run(self.store, self.settings.retention_days)
        self._background.append(asyncio.create_task(purge, name="retention"))
        if self.console is not None:  # up even while Telegram is unreachable
            self._console_task = asyncio.create_task(self._serve_console(), name="console")
        await self._initialize(stopping or asyncio.Event())
        await prepare(self.application)
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
            watcher = asyncio.create_task(self.reloader.watch(), name="knowledge-watcher")
            self._background.append(watcher)
        outbox = ReplyOutbox(self.store.engine)
        replies = console_replies.run(self.application.bot, services_of(self.application), outbox)
        self._background.append(asyncio.create_task(replies, name="console-replies"))
        log.info(
            "telegram bot @%s serving (%s), http port %d",
            self.application.bot.username,
            "webhook" if self.webhook else "polling",
            self.ops.port,
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
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        # Before the application: a webhook call accepted now could no longer be answered.
        await asyncio.to_thread(self.ops.stop)
        if app.running:
            await app.stop()  # processes every update already received
        await app.shutdown()  # a no-op if it never initialised
        if self.console is not None and self._console_task is not None:
            self.console.should_exit = True
            await self._console_task
        for task in self._background:  # before the store closes: they may still log
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.store.close()

    async def _serve_console(self) -> None:
        assert self.console is not None
        try:
            await self.console.serve()
        except SystemExit:  # uvicorn's answer to a port it cannot bind
            log.error(
                "the recruiter console cannot listen on %s:%d (BOT_CONSOLE_HOST, "
                "BOT_CONSOLE_PORT); the bot goes on without it",
                self.settings.console_host,
                self.settings.console_port,
            )

    async def _refused(self, result: ReloadResult) -> None:
        """A broken knowledge edit: the admins hear of it at once."""
        svc = services_of(self.application)
        await svc.alerts.send(self.application.bot, f"⚠️ {result.describe()}", urgent=True)


def _observe_write(seconds: float, ok: bool) -> None:
    if ok:
        STORE_WRITE.observe(seconds)
    else:
        STORE_FAILURES.inc()


def _polling_error(error: TelegramError) -> None:
    """Logs only: the rate limiter counts every failed call for /metrics, getUpdates too."""
    if isinstance(error, Conflict):
        log.error("another instance is polling with this token (409 Conflict): %s", error)
    else:
        log.warning("getUpdates failed, retrying: %s", error)


async def serve(settings: Settings, responder: Responder) -> int:
    """Run until SIGTERM or SIGINT; 0 after a graceful stop."""
    try:
        bot = TelegramBot(settings, responder)
    except OSError as exc:  # the port is taken, say
        log.error(
            "cannot serve HTTP on %s:%d (BOT_HTTP_HOST, BOT_HTTP_PORT): %s",
            settings.http_host,
            settings.http_port,
            exc,
        )
        return 1
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

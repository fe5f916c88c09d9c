"""The bot's HTTP server: Telegram's webhook (secret checked) and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STARTUP_TIMEOUT_S = 10.0

Health = Callable[[], dict[str, Any]]


def web_app(
    application: Application, health: Health, webhook_path: str | None, secret: str | None
) -> Starlette:
    """/healthz always; the webhook route only in webhook mode."""

    async def healthz(request: Request) -> Response:
        report = health()
        return JSONResponse(report, status_code=200 if report["ok"] else 503)

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call refused: wrong or missing secret token")
            return Response("forbidden", status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            log.warning("webhook body is not an update: %s", exc)
            return Response("bad request", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if webhook_path is not None:
        routes.append(Route(webhook_path, webhook, methods=["POST"]))
    return Starlette(routes=routes)


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. Its protocol is set to TCP explicitly: asyncio only turns
    Nagle's algorithm off (TCP_NODELAY) on such sockets, and with Nagle on, every
    response waits ~40 ms for the client's delayed ACK."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """The bot owns SIGTERM and SIGINT: it stops this server itself, in order."""
        yield


class WebServer:
    """uvicorn in the bot's own event loop, on a socket bound before start-up returns."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self._sock = listen(host, port)
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT_S
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises what stopped it
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError("the HTTP server did not start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._sock.close()

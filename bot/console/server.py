"""Serving the console with uvicorn: as its own process, or beside the Telegram bot."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn

from bot.console.app import create_app
from bot.settings import Settings


def config(settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings),
        host=settings.console_host,
        port=settings.console_port,
        # X-Forwarded-For/Proto, trusted from these addresses only, give the client IP
        # for login limits and https for the cookie's Secure flag behind a proxy.
        proxy_headers=True,
        forwarded_allow_ips=settings.console_trusted_proxies,
        server_header=False,
        # Access lines would log search words, which can be personal data.
        access_log=False,
        log_config=None,  # our logging setup (bot.log_setup) stays in charge
    )


class EmbeddedServer(uvicorn.Server):
    """The console inside `python -m bot run`: the bot owns the signals and stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def serve(settings: Settings) -> int:
    """`python -m bot console`: serve until SIGINT or SIGTERM."""
    server = uvicorn.Server(config(settings))
    server.run()
    return 0 if server.started else 1

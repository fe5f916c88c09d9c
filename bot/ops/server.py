"""The operations HTTP server: /healthz, /readyz, /metrics, and Telegram's webhook.

It runs in its own thread, not on the event loop, so that it still answers when
the loop is stuck, and liveness can say so (503) instead of timing out.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.metrics import REGISTRY

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are small; refuse anything huge

Check = Callable[[], dict[str, Any]]  # a report with "ok": bool
Accept = Callable[[dict[str, Any]], bool]  # hands an update to the bot; False if it can't


@dataclass(frozen=True, slots=True)
class Webhook:
    path: str
    secret: str
    accept: Accept


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], live: Check, ready: Check, webhook: Webhook | None
    ) -> None:
        self.live, self.ready, self.webhook = live, ready, webhook
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Without it each response waits ~40 ms for the client's delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            self._report(self.server.live())
        elif path == "/readyz":
            self._report(self.server.ready())
        elif path == "/metrics":
            self._send(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
        else:
            self._send(404, b"not found\n", "text/plain")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body stays unread
            self._send(413, b"too large\n", "text/plain")
            return
        body = self.rfile.read(length)  # read first: the connection is kept alive
        hook = self.server.webhook
        if hook is None or self.path.split("?", 1)[0] != hook.path:
            self._send(404, b"not found\n", "text/plain")
            return
        given = self.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), hook.secret.encode()):
            log.warning("webhook call refused: wrong or missing secret token")
            self._send(403, b"forbidden\n", "text/plain")
            return
        try:
            update = json.loads(body)
        except ValueError:
            self._send(400, b"bad request\n", "text/plain")
            return
        if not isinstance(update, dict) or not hook.accept(update):
            # Not taken: a non-2xx makes Telegram deliver it again later.
            self._send(503, b"not accepted\n", "text/plain")
            return
        self._send(200, b"", "text/plain")

    def _report(self, report: dict[str, Any]) -> None:
        body = json.dumps(report).encode()
        self._send(200 if report.get("ok") else 503, body, "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Probes every few seconds would flood the logs: stay quiet."""


class OpsServer:
    """Started at start-up, stopped at shutdown; `port` is the bound one (0 picks one)."""

    def __init__(
        self, host: str, port: int, live: Check, ready: Check, webhook: Webhook | None = None
    ) -> None:
        self._server = _Server((host, port), live, ready, webhook)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="ops-http", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

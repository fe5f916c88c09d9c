"""The console served by uvicorn as `python -m bot console` configures it: proxy headers
believed only from BOT_CONSOLE_TRUSTED_PROXIES, no Server header, no access log."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from bot.console.server import config
from bot.database_location import Location
from bot.store.sessions import COOKIE
from tests.conftest import query
from tests.console.conftest import PASSWORD, console_settings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def serving(database: Location, **settings: object) -> Iterator[str]:
    server = uvicorn.Server(config(console_settings(database, console_port=0, **settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def sign_in(base: str, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url=base, headers=headers) as client:
        form = client.get("/login")
        token = CSRF.search(form.text)
        assert token
        # A Secure cookie never goes back over plain http: hand it over as the browser,
        # talking https to the proxy, would.
        login_cookie = form.headers["set-cookie"].split(";")[0]
        return client.post(
            "/login",
            data={"name": "rita", "password": PASSWORD, "csrf": token.group(1)},
            headers={"cookie": login_cookie},
        )


def last_login_ip(database: Location) -> str:
    return str(
        query(database, "SELECT ip FROM audit_log WHERE action = 'login' ORDER BY id DESC")[0][0]
    )


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def test_a_trusted_proxy_makes_the_cookie_secure_and_names_the_client(console_db: Location) -> None:
    with serving(console_db) as base:  # 127.0.0.1 is trusted by default
        response = sign_in(base, FORWARDED)
        assert "server" not in response.headers
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "secure" in cookie.lower()
    assert last_login_ip(console_db) == "203.0.113.7"


def test_headers_from_anyone_else_are_ignored(console_db: Location) -> None:
    with serving(console_db, console_trusted_proxies="10.9.8.7") as base:
        response = sign_in(base, FORWARDED)
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "secure" not in cookie.lower()
    assert last_login_ip(console_db) == "127.0.0.1"

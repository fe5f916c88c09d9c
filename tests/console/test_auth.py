"""Sign-in, sessions, CSRF, roles, rate limits and security headers, over HTTP."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.console import throttle
from bot.console.app import create_app
from bot.console.sessions import COOKIE
from tests.console.conftest import PASSWORD, console_settings, csrf_of, login

PAGES = ["/", "/trends", "/unanswered", "/admin/audit", "/admin/users", "/conversations/abc"]


def rows(path: Path, sql: str, *params: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_a_login(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_login_and_healthz_are_open(client: TestClient) -> None:
    assert client.get("/login").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_login_returns_to_the_page_asked_for(client: TestClient) -> None:
    redirect = client.get("/trends?days=7").headers["location"]
    assert redirect == "/login?next=%2Ftrends%3Fdays%3D7"
    form = client.get(redirect)
    response = client.post(
        "/login",
        data={
            "name": "rita",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "/trends?days=7",
        },
    )
    assert response.headers["location"] == "/trends?days=7"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text), "next": target},
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_session_cookie_flags(client: TestClient) -> None:
    form = client.get("/login")
    response = client.post(
        "/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "max-age", "path"} <= flags
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in flags  # plain http here: a Secure cookie would never come back


def test_session_cookie_is_secure_over_https(console_db: Path) -> None:
    app = create_app(console_settings(console_db))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        form = c.get("/login")
        response = c.post(
            "/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
        )
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
        assert "secure" in cookie.lower()
        assert response.headers["strict-transport-security"].startswith("max-age=")


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    for name, password in (("rita", "wrong password!"), ("nobody", PASSWORD)):
        form = client.get("/login")
        response = client.post(
            "/login", data={"name": name, "password": password, "csrf": csrf_of(form.text)}
        )
        assert response.status_code == 401
        assert "Wrong name or password." in response.text
        assert COOKIE not in response.cookies
    assert client.get("/").status_code == 303


def test_login_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": "x"})
    assert response.status_code == 403
    assert client.get("/").status_code == 303


def test_logout_ends_the_session_server_side(recruiter: TestClient) -> None:
    stolen = recruiter.cookies[COOKIE]
    response = recruiter.post("/logout", data={"csrf": recruiter.csrf})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    recruiter.cookies.set(COOKIE, stolen)  # replaying the old cookie does not work
    assert recruiter.get("/").status_code == 303


def test_logout_needs_csrf(recruiter: TestClient) -> None:
    assert recruiter.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert recruiter.post("/logout").status_code == 403
    assert recruiter.get("/").status_code == 200  # still signed in


def test_forged_cookie_is_refused(client: TestClient) -> None:
    client.cookies.set(COOKIE, "made-up.signature")
    assert client.get("/").status_code == 303


def test_idle_sessions_expire(recruiter: TestClient, console_db: Path) -> None:
    old = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    with closing(sqlite3.connect(console_db)) as db, db:
        db.execute("UPDATE console_sessions SET last_seen_at = ?", (old,))
    assert recruiter.get("/").status_code == 303
    assert rows(console_db, "SELECT count(*) FROM console_sessions") == [(0,)]


def test_sessions_expire_after_their_lifetime_even_when_active(
    recruiter: TestClient, console_db: Path
) -> None:
    old = (datetime.now(UTC) - timedelta(hours=13)).isoformat(timespec="seconds")
    with closing(sqlite3.connect(console_db)) as db, db:
        db.execute("UPDATE console_sessions SET created_at = ?", (old,))
    assert recruiter.get("/").status_code == 303


def test_recruiter_cannot_open_admin_pages(recruiter: TestClient) -> None:
    for path in ("/admin/audit", "/admin/users"):
        response = recruiter.get(path)
        assert response.status_code == 403 and "Only admins" in response.text
    response = recruiter.post("/admin/users/adam/disable", data={"csrf": recruiter.csrf})
    assert response.status_code == 403
    page = recruiter.get("/").text
    assert "/admin/audit" not in page  # and the menu does not offer them


def test_admin_disables_an_account_and_its_session_ends(console_db: Path) -> None:
    app = create_app(console_settings(console_db))
    with (
        TestClient(app, follow_redirects=False) as rita,
        TestClient(app, follow_redirects=False) as adam,
    ):
        login(rita, "rita")
        token = login(adam, "adam")
        assert adam.post("/admin/users/rita/disable", data={"csrf": "no"}).status_code == 403
        assert rita.get("/").status_code == 200
        response = adam.post("/admin/users/rita/disable", data={"csrf": token})
        assert response.status_code == 303
        assert rita.get("/").status_code == 303  # signed out at once
        assert "disabled" in adam.get("/admin/users").text
        form = rita.get("/login")
        refused = rita.post(
            "/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
        )
        assert refused.status_code == 401
        # An admin cannot lock themselves out.
        adam.post("/admin/users/adam/disable", data={"csrf": token})
        assert adam.get("/admin/users").status_code == 200


def test_login_is_rate_limited_per_account(client: TestClient, console_db: Path) -> None:
    for _ in range(throttle.PER_ACCOUNT):
        form = client.get("/login")
        client.post(
            "/login", data={"name": "rita", "password": "guess" * 3, "csrf": csrf_of(form.text)}
        )
    form = client.get("/login")
    response = client.post(
        "/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    assert response.status_code == 429  # even the right password waits
    assert "Too many failed sign-ins" in response.text
    # Other accounts from the same address are not locked by rita's failures.
    assert login(client, "adam")
    assert rows(console_db, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == [
        (throttle.PER_ACCOUNT,)
    ]


def test_login_is_rate_limited_per_address(client: TestClient, console_db: Path) -> None:
    for i in range(throttle.PER_IP):
        form = client.get("/login")
        client.post(
            "/login", data={"name": f"u{i}", "password": "x" * 12, "csrf": csrf_of(form.text)}
        )
    form = client.get("/login")
    response = client.post(
        "/login", data={"name": "adam", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    assert response.status_code == 429


def test_security_headers_on_every_response(recruiter: TestClient) -> None:
    for path in ("/", "/login", "/healthz", "/static/console.css", "/nowhere"):
        headers = recruiter.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    assert recruiter.get("/").headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script_or_style(recruiter: TestClient) -> None:
    page = recruiter.get("/").text
    assert "<script>" not in page and "style=" not in page
    assert '<script src="' in page


def test_audit_log_records_sign_ins_for_admins(admin: TestClient) -> None:
    page = admin.get("/admin/audit").text
    assert "login" in page and "adam" in page


def test_unknown_page_is_a_clear_404(recruiter: TestClient) -> None:
    response = recruiter.get("/no/such/page")
    assert response.status_code == 404 and "This page does not exist." in response.text


def test_a_locked_database_gets_a_clear_page_then_works(
    client: TestClient, console_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.console import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    form = client.get("/login")
    data = {"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
    with closing(sqlite3.connect(console_db, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # the bot, or a backup, holding the write lock
        busy = client.post("/login", data=data)
        assert busy.status_code == 503
        assert "busy or unavailable. Try again in a moment." in busy.text
        other.execute("ROLLBACK")
    assert client.post("/login", data=data).status_code == 303
    assert client.get("/").status_code == 200


def test_a_form_sent_after_the_session_ended_goes_to_plain_login(client: TestClient) -> None:
    response = client.post("/conversations/abc/review", data={"csrf": "x"})
    assert response.status_code == 303 and response.headers["location"] == "/login"

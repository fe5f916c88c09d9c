"""Sign-in, sessions, CSRF, roles, rate limits and security headers, over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.console.app import create_app
from bot.database_location import Location
from bot.store import throttle, users
from bot.store.connections import Database
from bot.store.sessions import COOKIE
from tests.conftest import query, write_locked
from tests.console.conftest import PASSWORD, console_settings, csrf_of, login

PAGES = ["/", "/trends", "/unanswered", "/admin/audit", "/admin/users", "/conversations/abc"]


def rows(path: Path, sql: str, *params: object) -> list[tuple]:
    return query(path, sql, *params)


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


def test_session_cookie_is_secure_over_https(console_db: Location) -> None:
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


def test_idle_sessions_expire(recruiter: TestClient, console_db: Location) -> None:
    old = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    query(console_db, "UPDATE console_sessions SET last_seen_at = ?", old)
    assert recruiter.get("/").status_code == 303
    assert rows(console_db, "SELECT count(*) FROM console_sessions") == [(0,)]


def test_sessions_expire_after_their_lifetime_even_when_active(
    recruiter: TestClient, console_db: Location
) -> None:
    old = (datetime.now(UTC) - timedelta(hours=13)).isoformat(timespec="seconds")
    query(console_db, "UPDATE console_sessions SET created_at = ?", old)
    assert recruiter.get("/").status_code == 303


def test_recruiter_cannot_open_admin_pages(recruiter: TestClient) -> None:
    for path in ("/admin/audit", "/admin/users"):
        response = recruiter.get(path)
        assert response.status_code == 403 and "Only admins" in response.text
    response = recruiter.post("/admin/users/adam/disable", data={"csrf": recruiter.csrf})
    assert response.status_code == 403
    page = recruiter.get("/").text
    assert "/admin/audit" not in page  # and the menu does not offer them


def test_admin_disables_an_account_and_its_session_ends(console_db: Location) -> None:
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


def try_password(client: TestClient, name: str, password: str) -> int:
    form = client.get("/login")
    data = {"name": name, "password": password, "csrf": csrf_of(form.text)}
    return client.post("/login", data=data).status_code


def from_address(console_db: Location, ip: str) -> TestClient:
    app = create_app(console_settings(console_db))
    return TestClient(app, follow_redirects=False, client=(ip, 50000))


def age_failures(console_db: Location, by: timedelta) -> None:
    """Move every recorded failure `by` into the past, as if time had passed."""
    for at, user, ip in query(console_db, 'SELECT at, "user", ip FROM console_login_failures'):
        older = (datetime.fromisoformat(at) - by).isoformat(timespec="milliseconds")
        query(
            console_db,
            'UPDATE console_login_failures SET at = ? WHERE at = ? AND "user" = ? AND ip = ?',
            older,
            at,
            user,
            ip,
        )


def test_wrong_passwords_slow_down_that_address_only(console_db: Location) -> None:
    with from_address(console_db, "10.0.0.66") as attacker:
        codes = [try_password(attacker, "rita", "guess" * 3) for _ in range(throttle.FREE_TRIES)]
        assert codes == [401] * throttle.FREE_TRIES
        assert try_password(attacker, "rita", PASSWORD) == 429  # this address waits
        page = attacker.get("/login")
        again = attacker.post(
            "/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf_of(page.text)}
        )
        assert "Try again in 1 second" in again.text
    # Rita, from her own address, signs in at once: nobody can lock her out.
    with from_address(console_db, "10.0.0.7") as rita:
        assert login(rita, "rita")
    # The failures were forgotten by her sign-in; had they not, the wait is short.
    with from_address(console_db, "10.0.0.66") as attacker:
        assert try_password(attacker, "rita", PASSWORD) == 303


def test_the_wait_grows_and_ends(console_db: Location) -> None:
    with from_address(console_db, "10.0.0.66") as attacker:
        for _ in range(throttle.FREE_TRIES + 3):
            try_password(attacker, "rita", "guess" * 3)
            age_failures(console_db, timedelta(minutes=1))  # wait out each back-off
        assert try_password(attacker, "rita", "guess" * 3) == 401
        assert try_password(attacker, "rita", PASSWORD) == 429  # 16 s after the last one
        age_failures(console_db, timedelta(seconds=17))
        assert try_password(attacker, "rita", PASSWORD) == 303


def test_many_accounts_tried_from_one_address_lock_nobody(console_db: Location) -> None:
    with from_address(console_db, "10.0.0.66") as office:
        for i in range(25):
            assert try_password(office, f"u{i}", "x" * 12) == 401
        assert login(office, "adam")  # the right password from the same address works


def test_an_admin_unlock_or_a_reset_lifts_the_wait(console_db: Location, admin: TestClient) -> None:
    with from_address(console_db, "10.0.0.66") as office:
        for _ in range(throttle.FREE_TRIES + 1):
            try_password(office, "rita", "guess" * 3)
        assert try_password(office, "rita", PASSWORD) == 429
        users_page = admin.get("/admin/users").text
        assert "failed sign-in" in users_page and "/admin/users/rita/unlock" in users_page
        unlocked = admin.post(
            "/admin/users/rita/unlock",
            data={"csrf": admin.csrf},  # type: ignore[attr-defined]
        )
        assert unlocked.status_code == 303
        assert try_password(office, "rita", PASSWORD) == 303
    with from_address(console_db, "10.0.0.66") as office:
        for _ in range(throttle.FREE_TRIES + 1):
            try_password(office, "rita", "guess" * 3)
        assert try_password(office, "rita", PASSWORD) == 429
    with Database(console_db).writer() as db:
        users.reset_password(db, "rita", "a brand new long password")
    with from_address(console_db, "10.0.0.66") as office:
        assert try_password(office, "rita", "a brand new long password") == 303
    assert rows(console_db, "SELECT detail FROM audit_log WHERE action = 'user_unlock'") == [
        (f"rita: {throttle.FREE_TRIES} failures",)  # tries during the wait are refused, not counted
    ]


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
    client: TestClient, console_db: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.store import connections

    monkeypatch.setattr(connections, "BUSY_TIMEOUT_MS", 50)
    client.app.state.console.database.close()  # type: ignore[attr-defined]  # new engines
    form = client.get("/login")
    data = {"name": "rita", "password": PASSWORD, "csrf": csrf_of(form.text)}
    with write_locked(console_db, "console_users", "ACCESS EXCLUSIVE"):
        busy = client.post("/login", data=data)
        assert busy.status_code == 503
        assert "busy or unavailable. Try again in a moment." in busy.text
    assert client.post("/login", data=data).status_code == 303
    assert client.get("/").status_code == 200


def test_a_form_sent_after_the_session_ended_goes_to_plain_login(client: TestClient) -> None:
    response = client.post("/conversations/abc/review", data={"csrf": "x"})
    assert response.status_code == 303 and response.headers["location"] == "/login"

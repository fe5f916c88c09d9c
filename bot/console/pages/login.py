"""Signing in and out, and the health check (the only pages open without a login)."""

from __future__ import annotations

import hmac
import logging
import math
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bot.console.web import SignedInForm, client_ip, console_of, render, safe_next
from bot.store import audit, throttle, users
from bot.store.sessions import COOKIE

log = logging.getLogger(__name__)
router = APIRouter()
LOGIN_COOKIE = "hirebot_login"  # double-submit CSRF token for the login form itself


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """Up and able to read the database."""
    try:
        console_of(request).database.ping()
    except Exception as exc:  # any failure is "not healthy"
        log.warning("console health check failed: %s", exc)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    console = console_of(request)
    with console.database.writer() as db:
        if console.sessions.resume(db, request.cookies.get(COOKIE)) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    console = console_of(request)
    ip = client_ip(request)
    name = name.strip()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        return _form(request, next, "The sign-in form expired. Please try again.", 403)
    with console.database.writer() as db:
        wait = throttle.retry_after(db, name, ip)
        if wait is not None:
            audit.record(db, name or "?", "login_throttled", ip=ip)
            return _form(
                request,
                next,
                f"Too many failed sign-ins from here. Try again in {_duration(wait)}, or ask "
                "an admin to unlock your account.",
                429,
            )
        user = users.authenticate(db, name, password)
        if user is None:
            throttle.record_failure(db, name, ip)
            audit.record(db, name or "?", "login_failed", ip=ip)
            return _form(request, next, "Wrong name or password.", 401)
        throttle.clear(db, user.name)
        cookie = console.sessions.start(db, user)
        audit.record(db, user.name, "login", ip=ip)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(console.sessions.lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, session: SignedInForm) -> Response:
    console = console_of(request)
    with console.database.writer() as db:
        console.sessions.end(db, session)
        audit.record(db, session.user.name, "logout", ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="lax")
    return response


def _form(request: Request, next: str, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        None,
        status_code=status,
        error=error,
        csrf=token,
        next=safe_next(next),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _duration(wait: timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"

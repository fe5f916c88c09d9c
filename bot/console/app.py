"""The console's FastAPI application: one function builds it and lists every page."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from bot.console.knowledge import KnowledgeCache, LastResult
from bot.console.pages import admin, conversation, handoffs, inbox, login, trends, unanswered
from bot.console.security import SecurityHeaders
from bot.console.web import (
    Console,
    CsrfFailed,
    Forbidden,
    LoginRequired,
    ReadOnly,
    login_url,
    make_templates,
    render,
)
from bot.settings import Settings
from bot.store.connections import Database, TranscriptsError
from bot.store.sessions import SessionBook

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SECRET_KEY = "console_secret"  # in `meta`: the session-signing key, made on first use


def create_app(settings: Settings) -> FastAPI:
    """The console over `settings.database`; the schema is brought up to date at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database)
        await database.prepare_async()
        secret = (
            settings.console_secret.get_secret_value()
            if settings.console_secret
            # In a thread: inside the bot, a write on this loop would wait for a lock
            # that the bot's transactions, which need the loop, hold.
            else await asyncio.to_thread(database.meta_value, SECRET_KEY)
        )
        app.state.console = Console(
            settings=settings,
            database=database,
            sessions=SessionBook(
                secret,
                idle=timedelta(minutes=settings.console_idle_minutes),
                lifetime=timedelta(hours=settings.console_session_hours),
            ),
            templates=make_templates(),
            knowledge=KnowledgeCache(settings.knowledge, settings.posting),
            suggested=LastResult(),
        )
        try:
            yield
        finally:
            database.close()

    app = FastAPI(
        title="hirebot console",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for page in (login, inbox, conversation, handoffs, unanswered, trends, admin):
        app.include_router(page.router)
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(request), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, "Only admins can open this page or do this.")

    @app.exception_handler(ReadOnly)
    async def read_only(request: Request, exc: ReadOnly) -> Response:
        return _error(
            request,
            403,
            "Your account can read conversations but not export, review, note or reply. "
            "Ask an admin if you need to.",
        )

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error(
            request,
            403,
            "This form has expired or did not come from this console. "
            "Go back, reload the page and try again.",
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = "This page does not exist." if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 400, "This address or form has a value the console cannot read.")

    @app.exception_handler(OperationalError)
    @app.exception_handler(TranscriptsError)
    async def database_busy(request: Request, exc: Exception) -> Response:
        log.warning("console database error on %s: %s", request.url.path, exc)
        return _error(
            request, 503, "The transcript database is busy or unavailable. Try again in a moment."
        )


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    return render(request, "error.html", session, status_code=status, message=message)

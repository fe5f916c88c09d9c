"""What every page shares: the console's services, the login and CSRF checks, and
rendering a template with the signed-in user."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.console.knowledge import KnowledgeCache, LastResult
from bot.kb.suggest import Suggestions
from bot.settings import Settings
from bot.store.connections import Database
from bot.store.inbox import MAX_PAGE
from bot.store.sessions import COOKIE, Session, SessionBook
from bot.transcripts.render import OUTCOME_LABELS
from bot.transcripts.render import when as stored_time

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class Console:
    """The services a request needs, made once at start-up (`app.state.console`)."""

    settings: Settings
    database: Database
    sessions: SessionBook
    templates: Jinja2Templates
    knowledge: KnowledgeCache  # loaded on first use
    # The unanswered page's `kb suggest` analysis and question count, for one key.
    suggested: LastResult[tuple[Suggestions | None, int]]


class LoginRequired(Exception):
    """No live session: the page sends the browser to /login."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this page."""


class ReadOnly(Exception):
    """A viewer's account reads; it cannot export, review, note or reply."""


class CsrfFailed(Exception):
    """A state-changing form arrived without this session's token."""


def console_of(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_session(request: Request) -> Session:
    """The signed-in session, or LoginRequired."""
    console = console_of(request)
    with console.database.writer() as db:
        session = console.sessions.resume(db, request.cookies.get(COOKIE))
    if session is None:
        raise LoginRequired
    request.state.session = session
    return session


def checked_session(
    session: Annotated[Session, Depends(current_session)],
    csrf: Annotated[str, Form()] = "",
) -> Session:
    """The session, for a form that changes something: its CSRF token must match."""
    if not hmac.compare_digest(csrf.encode(), session.csrf.encode()):
        raise CsrfFailed
    return session


def acting_session(session: Annotated[Session, Depends(checked_session)]) -> Session:
    """The session, for a form that acts (export, review, note, reply): not a viewer's."""
    if not session.user.can_act:
        raise ReadOnly
    return session


def admin_session(session: Annotated[Session, Depends(current_session)]) -> Session:
    if not session.user.is_admin:
        raise Forbidden
    return session


def checked_admin_session(session: Annotated[Session, Depends(checked_session)]) -> Session:
    if not session.user.is_admin:
        raise Forbidden
    return session


SignedIn = Annotated[Session, Depends(current_session)]
SignedInForm = Annotated[Session, Depends(checked_session)]
Admin = Annotated[Session, Depends(admin_session)]
AdminForm = Annotated[Session, Depends(checked_admin_session)]
ActingForm = Annotated[Session, Depends(acting_session)]
# Out of range is a 400, never a 500.
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def render(
    request: Request,
    template: str,
    session: Session | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page; the base template gets the user, the CSRF token and the current path."""
    return console_of(request).templates.TemplateResponse(
        request,
        template,
        {"session": session, "user": session.user if session else None, **context},
        status_code=status_code,
    )


def login_url(request: Request) -> str:
    """/login, with a way back to the page that was asked for (not to a form's POST)."""
    if request.method != "GET":
        return "/login"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login" if target == "/" else f"/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//evil.example` or `https://...`."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)  # autoescapes .html
    templates.env.filters["when"] = when
    templates.env.filters["day"] = lambda text: (text or "")[:10]
    templates.env.globals["outcome_labels"] = OUTCOME_LABELS
    return templates


def when(text: str | None) -> str:
    """A stored UTC time as `2026-11-28 14:05 UTC` (text that is not one, as it is)."""
    if not text:
        return ""
    shown = stored_time(text)
    return shown if shown == text else f"{shown} UTC"

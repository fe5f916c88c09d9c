"""Admin pages: the audit log and the accounts (created from the CLI, disabled here)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.console.web import Admin, AdminForm, PageNumber, client_ip, console_of, render
from bot.store import audit, throttle, users

router = APIRouter(prefix="/admin")


@router.get("/audit")
def audit_log(
    request: Request,
    session: Admin,
    user: str = "",
    conversation: str = "",
    page: PageNumber = 1,
) -> Response:
    with console_of(request).database.reader() as db:
        entries, more = audit.entries(
            db, user=user or None, conversation=conversation or None, page=page
        )
    return render(
        request,
        "audit.html",
        session,
        entries=entries,
        more=more,
        page=page,
        filter_user=user,
        filter_conversation=conversation,
    )


@router.get("/users")
def user_list(request: Request, session: Admin, error: str = "") -> Response:
    with console_of(request).database.reader() as db:
        accounts = users.list_users(db)
        failed = {a.name: throttle.failures(db, a.name) for a in accounts}
    return render(request, "users.html", session, accounts=accounts, failed=failed, error=error)


@router.post("/users/{name}/unlock")
def unlock(request: Request, name: str, session: AdminForm) -> Response:
    """Forget the account's failed sign-ins, from every address."""
    with console_of(request).database.writer() as db:
        try:
            users.existing(db, name)
        except users.UserError:
            return RedirectResponse("/admin/users?error=unknown", status_code=303)
        cleared = throttle.clear(db, name)
        audit.record(
            db,
            session.user.name,
            "user_unlock",
            detail=f"{name}: {cleared} failures",
            ip=client_ip(request),
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{name}/disable")
def disable(request: Request, name: str, session: AdminForm) -> Response:
    return _set_disabled(request, name, session.user.name, disabled=True)


@router.post("/users/{name}/enable")
def enable(request: Request, name: str, session: AdminForm) -> Response:
    return _set_disabled(request, name, session.user.name, disabled=False)


def _set_disabled(request: Request, name: str, admin: str, *, disabled: bool) -> Response:
    if disabled and name.casefold() == admin.casefold():
        return RedirectResponse("/admin/users?error=self", status_code=303)
    with console_of(request).database.writer() as db:
        try:
            users.set_disabled(db, name, disabled)
        except users.UserError:
            return RedirectResponse("/admin/users?error=unknown", status_code=303)
        audit.record(
            db,
            admin,
            "user_disable" if disabled else "user_enable",
            detail=name,
            ip=client_ip(request),
        )
    return RedirectResponse("/admin/users", status_code=303)

"""One conversation as chat bubbles, with its hand-off timeline, review and private notes."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from bot.console.web import ActingForm, SignedIn, client_ip, console_of, render
from bot.store import audit, handoffs, queries, reviews

router = APIRouter(prefix="/conversations")
TELEGRAM = "telegram"  # the one channel the bot can write to later
# Under Telegram's 4096 with the header the bot adds to a recruiter's words.
MAX_REPLY_CHARS = 3500
REPLY_ERRORS = {
    "reply_empty": "The reply is empty.",
    "reply_long": f"A reply has at most {MAX_REPLY_CHARS} characters.",
    "reply_unreachable": "This candidate is not on Telegram, so the bot cannot reach them.",
}


@router.get("/{conversation_id}")
def conversation_page(
    request: Request, conversation_id: str, session: SignedIn, error: str = ""
) -> Response:
    console = console_of(request)
    with console.database.reader() as db:
        view = reviews.load(db, conversation_id)
    if view is None:
        raise HTTPException(404)
    with console.database.writer() as db:
        audit.record(
            db, session.user.name, "view", conversation=view.summary.id, ip=client_ip(request)
        )
        queued = handoffs.replies(db, view.summary.id)
    message = reviews.NOTE_ERRORS.get(error)
    return render(
        request,
        "conversation.html",
        session,
        view=view,
        error=message,
        replies=queued,
        reply_error=REPLY_ERRORS.get(error),
        reachable=view.summary.channel == TELEGRAM,
    )


@router.post("/{conversation_id}/review")
def review(
    request: Request,
    conversation_id: str,
    session: ActingForm,
    reviewed: Annotated[str, Form()] = "yes",
) -> Response:
    with console_of(request).database.writer() as db:
        _require(db, conversation_id)
        if reviewed == "no":
            reviews.mark_unreviewed(db, conversation_id)
        else:
            reviews.mark_reviewed(db, conversation_id, session.user.name)
        action = "unreview" if reviewed == "no" else "review"
        audit.record(
            db, session.user.name, action, conversation=conversation_id, ip=client_ip(request)
        )
    return RedirectResponse(f"/conversations/{quote(conversation_id)}", status_code=303)


@router.post("/{conversation_id}/notes")
def add_note(
    request: Request,
    conversation_id: str,
    session: ActingForm,
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    target = f"/conversations/{quote(conversation_id)}"
    with console_of(request).database.writer() as db:
        _require(db, conversation_id)
        try:
            reviews.add_note(db, conversation_id, session.user.name, text)
        except reviews.NoteError as exc:
            return RedirectResponse(f"{target}?error={exc.code}#notes", status_code=303)
        audit.record(
            db, session.user.name, "note", conversation=conversation_id, ip=client_ip(request)
        )
    return RedirectResponse(f"{target}#notes", status_code=303)


@router.post("/{conversation_id}/reply")
def reply(
    request: Request,
    conversation_id: str,
    session: ActingForm,
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Queue a recruiter's reply; the bot sends it to the candidate and logs it."""
    target = f"/conversations/{quote(conversation_id)}"
    text = text.strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        code = "reply_empty" if not text else "reply_long"
        return RedirectResponse(f"{target}?error={code}#reply", status_code=303)
    with console_of(request).database.writer() as db:
        view = queries.conversation(db, conversation_id)
        if view is None:
            raise HTTPException(404)
        if view.channel != TELEGRAM:
            return RedirectResponse(f"{target}?error=reply_unreachable#reply", status_code=303)
        reply_id = handoffs.enqueue(db, conversation_id, session.user.name, text)
        audit.record(
            db,
            session.user.name,
            "reply",
            conversation=conversation_id,
            detail=f"reply {reply_id}, {len(text)} characters",
            ip=client_ip(request),
        )
    return RedirectResponse(f"{target}#reply", status_code=303)


def _require(db: Connection, conversation_id: str) -> None:
    if not queries.conversation_exists(db, conversation_id):
        raise HTTPException(404)

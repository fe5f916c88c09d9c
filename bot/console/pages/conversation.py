"""One conversation as chat bubbles, with its hand-off timeline, review and private notes."""

from __future__ import annotations

import sqlite3
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from bot.console import audit, transcript
from bot.console.web import SignedIn, SignedInForm, client_ip, console_of, render

router = APIRouter(prefix="/conversations")


@router.get("/{conversation_id}")
def conversation_page(
    request: Request, conversation_id: str, session: SignedIn, error: str = ""
) -> Response:
    console = console_of(request)
    with console.database.reader() as db:
        view = transcript.load(db, conversation_id)
    if view is None:
        raise HTTPException(404)
    with console.database.writer() as db:
        audit.record(
            db, session.user.name, "view", conversation=view.summary.id, ip=client_ip(request)
        )
    message = transcript.NOTE_ERRORS.get(error)
    return render(request, "conversation.html", session, view=view, error=message)


@router.post("/{conversation_id}/review")
def review(
    request: Request,
    conversation_id: str,
    session: SignedInForm,
    reviewed: Annotated[str, Form()] = "yes",
) -> Response:
    with console_of(request).database.writer() as db:
        _require(db, conversation_id)
        if reviewed == "no":
            transcript.mark_unreviewed(db, conversation_id)
        else:
            transcript.mark_reviewed(db, conversation_id, session.user.name)
        action = "unreview" if reviewed == "no" else "review"
        audit.record(
            db, session.user.name, action, conversation=conversation_id, ip=client_ip(request)
        )
    return RedirectResponse(f"/conversations/{quote(conversation_id)}", status_code=303)


@router.post("/{conversation_id}/notes")
def add_note(
    request: Request,
    conversation_id: str,
    session: SignedInForm,
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    target = f"/conversations/{quote(conversation_id)}"
    with console_of(request).database.writer() as db:
        _require(db, conversation_id)
        try:
            transcript.add_note(db, conversation_id, session.user.name, text)
        except transcript.NoteError as exc:
            return RedirectResponse(f"{target}?error={exc.code}#notes", status_code=303)
        audit.record(
            db, session.user.name, "note", conversation=conversation_id, ip=client_ip(request)
        )
    return RedirectResponse(f"{target}#notes", status_code=303)


def _require(db: sqlite3.Connection, conversation_id: str) -> None:
    if not db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone():
        raise HTTPException(404)

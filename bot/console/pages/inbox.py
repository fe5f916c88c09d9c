"""The inbox: conversations, newest first (stub until the inbox queries land)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.web import SignedIn, render

router = APIRouter()


@router.get("/")
def inbox_page(request: Request, session: SignedIn) -> Response:
    return render(request, "inbox.html", session)

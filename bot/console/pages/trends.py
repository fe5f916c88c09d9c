"""Trends over a period (stub until the trends queries land)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.web import SignedIn, render

router = APIRouter()


@router.get("/trends")
def trends_page(request: Request, session: SignedIn) -> Response:
    return render(request, "trends.html", session)

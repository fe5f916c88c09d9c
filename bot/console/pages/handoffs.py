"""The hand-off queue: candidates waiting for a recruiter, the longest waiting first."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.web import SignedIn, console_of, render
from bot.store import handoffs

router = APIRouter()


@router.get("/handoffs")
def handoff_queue(request: Request, session: SignedIn) -> Response:
    with console_of(request).database.reader() as db:
        waiting = handoffs.waiting(db)
    now = datetime.now(UTC)
    return render(
        request,
        "handoffs.html",
        session,
        waiting=[(w, age(w.since, now)) for w in waiting],
    )


def age(since: str, now: datetime) -> str:
    """How long ago, in the largest whole unit: "3 days", "5 h", "12 min"."""
    if not since:
        return "?"
    at = datetime.fromisoformat(since)
    seconds = max(0, int((now - (at if at.tzinfo else at.replace(tzinfo=UTC))).total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"

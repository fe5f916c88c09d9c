"""Trends over a period: messages per day, reply rates, top topics, languages and
feedback, as server-side SVG charts and as text."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from bot.console import charts
from bot.console.web import SignedIn, console_of, render
from bot.store import queries
from bot.store.trends import (
    DEFAULT_DAYS,
    PRESET_DAYS,
    PeriodError,
    Trends,
    parse_period,
    preset_of,
    trends,
)

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Preset:
    days: int
    href: str
    current: bool


@router.get("/trends")
def trends_page(
    request: Request,
    session: SignedIn,
    days: str = "",
    since: str = "",
    until: str = "",
    posting: str = "",
) -> Response:
    """The period comes from `days` (7, 30 or 90) or from `since`/`until` dates; a
    mistake in either is explained and the default period shown instead."""
    problems: list[str] = []
    try:
        period = parse_period(days, since, until)
    except PeriodError as error:
        problems.append(f"{error} Showing the last {DEFAULT_DAYS} days instead.")
        period = parse_period()
    posting = posting.strip()
    with console_of(request).database.reader() as db:
        known = queries.postings(db)
        if posting and posting not in known:
            problems.append(
                f"No conversation is about a posting called “{posting}”. "
                "Showing all postings instead."
            )
            posting = ""
        figures = trends(db, period, posting or None)
    preset = preset_of(period)
    return render(
        request,
        "trends.html",
        session,
        status_code=400 if problems else 200,
        problems=problems,
        t=figures,
        period=period,
        posting=posting,
        postings=known,
        presets=[Preset(n, _href(days=n, posting=posting), n == preset) for n in PRESET_DAYS],
        preset=preset,
        charts=_charts(figures),
    )


def _href(**query: object) -> str:
    return "/trends?" + urlencode({k: v for k, v in query.items() if v})


def _charts(t: Trends) -> dict[str, Markup]:
    days = [d.day for d in t.days]
    figures = [d.figures for d in t.days]
    total = t.total
    return {
        "messages": charts.daily_bars(
            days, [f.messages for f in figures], title="Messages per day", unit="messages"
        ),
        "rates": charts.daily_rates(
            days,
            [
                charts.Series("answer", [f.answer_rate for f in figures], charts.GOOD, "answer"),
                charts.Series(
                    "clarify", [f.clarify_rate for f in figures], charts.WARN, "clarify", "7 4"
                ),
                charts.Series(
                    "fallback", [f.fallback_rate for f in figures], charts.BAD, "fallback", "2 4"
                ),
            ],
            title="Answer, clarify and fallback rates",
            notes=[_replies(f.replies) for f in figures],
            overall=[total.answer_rate, total.clarify_rate, total.fallback_rate],
        ),
        "topics": charts.horizontal_bars(
            [(c.label, c.count) for c in t.topics],
            title="Top answered topics",
            unit="answers",
            total=total.answered,
        ),
        "languages": charts.horizontal_bars(
            [(c.label, c.count) for c in t.languages],
            title="Questions per language",
            unit="questions",
            total=total.questions,
        ),
        "feedback": charts.ratio_bar(
            t.feedback.helpful,
            t.feedback.votes,
            title="Feedback on the replies",
            part_name="helpful",
            rest_name="not helpful",
        ),
    }


def _replies(count: int) -> str:
    return "no replies" if count == 0 else f"{count:,} repl{'y' if count == 1 else 'ies'}"

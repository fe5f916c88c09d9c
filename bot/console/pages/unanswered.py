"""The questions the bot could not answer: grouped, with YAML snippets to paste
(`kb suggest`'s analysis) for new examples and new topics."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.web import SignedIn, client_ip, console_of, render
from bot.kb import suggest
from bot.store import audit, queries, visits
from bot.store.evidence import questions
from bot.store.periods import Period, last_days, today
from bot.store.queries import fallback_questions, unstated_questions
from bot.transcripts import unstated
from bot.transcripts.grouping import group_questions

router = APIRouter()
PERIODS = (1, 7, 30, 90, 365)
# Questions asked since the last visit are listed whatever their count, so a new single
# question is never hidden behind the most asked groups; past this, the page says so.
MAX_RECENT = 1000
MAX_ANALYSED = 1000  # the most recent questions `kb suggest` scores, to keep the page quick
MAX_GROUPS = 100


@router.get("/unanswered")
def unanswered_page(
    request: Request, session: SignedIn, days: str = "30", posting: str = "", since: str = ""
) -> Response:
    """`days` is one of PERIODS (1 is today); `since=last` is since my last visit."""
    if days not in {str(d) for d in PERIODS} or since not in ("", "last"):
        choices = ", ".join(map(str, PERIODS))
        message = f"The period must be days={choices}, or since=last (since your last visit)."
        return render(request, "error.html", session, status_code=400, message=message)
    console = console_of(request)
    at = datetime.now(UTC)
    with console.database.writer() as db:
        # Viewing who could not get an answer is itself audited.
        audit.record(
            db,
            session.user.name,
            "view_unanswered",
            detail=f"days={days}"
            + (f"; since={since}" if since else "")
            + (f"; posting={posting}" if posting else ""),
            ip=client_ip(request),
        )
        last_visit = visits.visit(db, session.user.name, "unanswered", at)
    # "New" is what was asked since the last visit, or today on a first visit.
    fresh_since = last_visit or datetime.combine(today(), time(), UTC)
    period = Period(fresh_since.date(), today()) if since == "last" else last_days(int(days))
    knowledge = console.knowledge
    responder = knowledge.responder()
    with console.database.reader() as db:
        postings = queries.postings(db)
        # One read covers both lists: the period's and what is new since the last visit.
        period_start = datetime.combine(period.since or today(), time(), UTC)
        first_day = min(period_start, fresh_since).date()
        asked = fallback_questions(db, Period(first_day, None), posting or None)
        recent = group_questions([q for q in asked if _after(q.at, fresh_since)])
        groups = (
            recent
            if since == "last"
            else group_questions([q for q in asked if _after(q.at, period_start)])
        )
        unknowns = unstated.by_unknown(unstated_questions(db, period, posting or None))

        def analyse() -> tuple[suggest.Suggestions | None, int]:
            asked = questions(db, period, posting or None)
            if responder is None:
                return None, len(asked)
            found = suggest.suggest(asked[-MAX_ANALYSED:], responder, period, posting or None)
            return found, len(asked)

        # Scoring the questions is the slow part (about a second on 100k messages): the
        # result is kept until a message is added or erased, or the knowledge changes.
        stamp = queries.change_stamp(db)
        key = (days, since, posting, today(), knowledge.version, stamp)
        found, asked_count = console.suggested.get(key, analyse)
    reviewed = today()
    return render(
        request,
        "unanswered.html",
        session,
        days=int(days),
        since=since,
        last_visit=last_visit,
        fresh_since=fresh_since,
        recent=recent[:MAX_RECENT],
        more_recent=max(0, len(recent) - MAX_RECENT),
        periods=PERIODS,
        posting=posting,
        postings=postings,
        groups=groups[:MAX_GROUPS],
        more_groups=max(0, len(groups) - MAX_GROUPS),
        fallbacks=sum(g.count for g in groups),
        unknowns=unknowns[:MAX_GROUPS],
        unstated_count=len({q.asked for u in unknowns for q in u.questions}),
        label=lambda key: unstated.label(key, responder),
        analysed=min(asked_count, MAX_ANALYSED),
        asked=asked_count,
        knowledge_error=knowledge.error,
        skipped_postings=found.skipped_postings if found else (),
        new_topics=[(t, suggest.new_topic_yaml(t, reviewed)) for t in found.new_topics]
        if found
        else [],
        topics=[(t, suggest.topic_yaml(t)) for t in found.topics] if found else [],
    )


def _after(stored_at: str, moment: datetime) -> bool:
    """Whether a stored timestamp is at or after `moment`."""
    at = datetime.fromisoformat(stored_at)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)) >= moment

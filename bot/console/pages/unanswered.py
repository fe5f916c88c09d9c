"""The questions the bot could not answer: grouped, with YAML snippets to paste
(`kb suggest`'s analysis) for new examples and new topics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.web import SignedIn, console_of, render
from bot.kb import suggest
from bot.kb.evidence import questions
from bot.transcripts import queries, unstated
from bot.transcripts.grouping import group_questions
from bot.transcripts.periods import last_days, today
from bot.transcripts.queries import fallback_questions, unstated_questions

router = APIRouter()
PERIODS = (7, 30, 90, 365)
MAX_ANALYSED = 1000  # the most recent questions `kb suggest` scores, to keep the page quick
MAX_GROUPS = 100


@router.get("/unanswered")
def unanswered_page(
    request: Request, session: SignedIn, days: int = 30, posting: str = ""
) -> Response:
    days = days if days in PERIODS else 30
    period = last_days(days)
    console = console_of(request)
    knowledge = console.knowledge
    responder = knowledge.responder()
    with console.database.reader() as db:
        postings = queries.postings(db)
        groups = group_questions(fallback_questions(db, period, posting or None))
        unknowns = unstated.by_unknown(unstated_questions(db, period, posting or None))

        def analyse() -> tuple[suggest.Suggestions | None, int]:
            asked = questions(db, period, posting or None)
            if responder is None:
                return None, len(asked)
            found = suggest.suggest(asked[-MAX_ANALYSED:], responder, period, posting or None)
            return found, len(asked)

        # Scoring the questions is the slow part (about a second on 100k messages): the
        # result is kept until a message is added or erased, or the knowledge changes.
        stamp = tuple(db.execute("SELECT max(rowid), count(*) FROM messages").fetchone())
        key = (days, posting, today(), knowledge.version, stamp)
        found, asked_count = console.suggested.get(key, analyse)
    reviewed = today()
    return render(
        request,
        "unanswered.html",
        session,
        days=days,
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

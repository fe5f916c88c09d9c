"""The inbox: conversations, newest first, with badges, filters, search and pages; and the
CSV export of the current filter (pseudonymised unless an admin asks; one audit row)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response, StreamingResponse

from bot.console.web import ActingForm, Forbidden, SignedIn, client_ip, console_of, render
from bot.store import audit, queries
from bot.store.inbox import (
    BADGES,
    OUTCOMES,
    InboxFilters,
    inbox,
    language_choices,
    matching_ids,
    parse_filters,
)
from bot.store.periods import today
from bot.store.queries import Transcript
from bot.transcripts.export import write_csv
from bot.transcripts.pseudonyms import Pseudonymizer, salt

router = APIRouter()
# An export is written to a temporary file first (in memory up to this size), so the
# audit entries are stored before the first byte leaves, and memory stays bounded.
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK_CHARS = 64 * 1024

Text = Annotated[str, Form(max_length=1000)]


@router.get("/")
def inbox_page(request: Request, session: SignedIn) -> Response:
    filters, errors = parse_filters(request.query_params)
    with console_of(request).database.reader() as db:
        page = inbox(db, filters)
        postings = queries.postings(db)
        languages = language_choices(db)
    return render(
        request,
        "inbox.html",
        session,
        status_code=400 if errors else 200,  # shown on the page, and said to scripts
        page=page,
        filters=filters,
        errors=errors,
        postings=_with(postings, filters.posting),
        languages=_with(languages, filters.lang),
        outcomes=OUTCOMES,
        badges=BADGES,
    )


def _with(choices: list[str], current: str | None) -> list[str]:
    """The choices, plus the current value if it has none left (still shown selected)."""
    return choices if current is None or current in choices else [*choices, current]


@router.post("/export")
def export(
    request: Request,
    session: ActingForm,
    posting: Text = "",
    lang: Text = "",
    outcome: Text = "",
    badge: Text = "",
    since: Text = "",
    until: Text = "",
    q: Text = "",
    named: Text = "",
) -> Response:
    """A CSV of every conversation the inbox's filters match, one row per message, with
    pseudonyms for names unless an admin asks for them."""
    if named and not session.user.is_admin:
        raise Forbidden
    pseudonymize = not named
    filters, errors = parse_filters(
        {
            "posting": posting,
            "lang": lang,
            "outcome": outcome,
            "badge": badge,
            "since": since,
            "until": until,
            "q": q,
        }
    )
    if errors:  # the form repeats filters the inbox accepted: only a tampered one fails
        return render(request, "error.html", session, status_code=400, message=" ".join(errors))
    database = console_of(request).database
    out = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed once streamed)
        max_size=SPOOL_BYTES, mode="w+t", encoding="utf-8", newline=""
    )
    try:
        aliases = Pseudonymizer(salt(database)) if pseudonymize else None
        with database.reader() as db:
            ids = matching_ids(db, filters)
            items: Iterable[Transcript] = queries.transcripts_of(db, ids)
            if aliases is not None:
                items = map(aliases.apply, items)
            out.write("\ufeff")  # the BOM tells Excel the file is UTF-8
            write_csv(items, out)
        with database.writer() as db:
            detail = _describe(filters, pseudonymized=pseudonymize)
            # One row per export: which filters, how many conversations, named or not.
            audit.record(
                db,
                session.user.name,
                "export",
                conversation=ids[0] if len(ids) == 1 else None,
                detail=f"{len(ids)} conversations; {detail}",
                ip=client_ip(request),
            )
        out.seek(0)
    except BaseException:
        out.close()
        raise
    name = f"conversations-{today().isoformat()}.csv"
    return StreamingResponse(
        _chunks(out),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _describe(filters: InboxFilters, *, pseudonymized: bool) -> str:
    """What an export covered, for the audit log."""
    what = "CSV, pseudonymised" if pseudonymized else "CSV"
    return f"{what}; filters: {filters.query() or 'none'}"


def _chunks(out: IO[str]) -> Iterator[str]:
    try:
        while chunk := out.read(CHUNK_CHARS):
            yield chunk
    finally:
        out.close()

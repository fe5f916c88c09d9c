"""CSV and JSON Lines exports of transcripts (the HTML report is in html_report.py).

CSV has one row per message, for spreadsheets; JSONL has one conversation per
line with its messages, for tools. Both take an iterable of transcripts and
stream it, so a long export never holds the whole database in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from bot.store.queries import ConversationSummary, Message, Transcript

CSV_COLUMNS = (
    "conversation",
    "posting",
    "status",
    "started_at",
    "last_activity_at",
    "candidate",
    "channel",
    "display_name",
    "username",
    "seq",
    "at",
    "direction",
    "text",
    "outcome",
    "topics",
    "confidence",
    "lang",
    "feedback",
)
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """`value` for a CSV cell; a leading apostrophe stops "=HYPERLINK(...)" from running."""
    if not value:
        return ""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def feedback_label(helpful: bool | None) -> str:
    return "" if helpful is None else ("helpful" if helpful else "not helpful")


def write_csv(transcripts: Iterable[Transcript], out: IO[str]) -> int:
    """Write one row per message (a conversation without messages gets one row); returns
    the number of conversations."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for transcript in transcripts:
        s = transcript.summary
        head = [
            s.id,
            s.posting,
            s.status,
            s.started_at,
            s.last_activity_at,
            spreadsheet_safe(s.candidate),
            s.channel or "",
            spreadsheet_safe(s.display_name),
            spreadsheet_safe(s.username),
        ]
        for m in transcript.messages or (None,):
            writer.writerow(head + (_message_cells(m) if m else [""] * 9))
        count += 1
    return count


def _message_cells(m: Message) -> list[object]:
    return [
        m.seq,
        m.at,
        m.direction,
        spreadsheet_safe(m.text),
        m.outcome or "",
        ",".join(m.topics),
        "" if m.confidence is None else round(m.confidence, 4),
        m.lang or "",
        feedback_label(m.helpful),
    ]


def write_jsonl(transcripts: Iterable[Transcript], out: IO[str]) -> int:
    """Write one JSON object per conversation; returns how many."""
    count = 0
    for transcript in transcripts:
        out.write(json.dumps(transcript_json(transcript), ensure_ascii=False) + "\n")
        count += 1
    return count


def transcript_json(transcript: Transcript) -> dict[str, Any]:
    s: ConversationSummary = transcript.summary
    return {
        "id": s.id,
        "posting": s.posting,
        "status": s.status,
        "started_at": s.started_at,
        "last_activity_at": s.last_activity_at,
        "lang": s.lang,
        "candidate": {
            "key": s.candidate,
            "channel": s.channel,
            "external_id": s.external_id,
            "display_name": s.display_name,
            "username": s.username,
        },
        "counts": {
            "messages": s.messages,
            "answered": s.answered,
            "clarify": s.clarify,
            "fallback": s.fallback,
            "handoff": s.handoff,
            "helpful": s.helpful,
            "unhelpful": s.unhelpful,
        },
        "messages": [
            {
                "seq": m.seq,
                "at": m.at,
                "direction": m.direction,
                "text": m.text,
                "outcome": m.outcome,
                "topics": list(m.topics),
                "confidence": m.confidence,
                "lang": m.lang,
                "helpful": m.helpful,
            }
            for m in transcript.messages
        ],
    }

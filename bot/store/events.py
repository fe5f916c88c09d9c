"""What channels tell the store, as plain immutable records.

Ids are made by the caller (uuid4), not by SQLite, so a channel can refer to a
row before the writer has stored it, and a row replayed from the spill file is
recognised and not stored twice.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def now() -> str:
    """The current UTC time as stored: ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_id() -> str:
    return uuid.uuid4().hex


def candidate_key(channel: str, external_id: str) -> str:
    """One candidate per channel user: 'telegram:12345'."""
    return f"{channel}:{external_id}"


@dataclass(frozen=True, slots=True)
class CandidateSeen:
    candidate: str
    channel: str
    external_id: str
    display_name: str | None
    username: str | None
    language: str | None
    at: str


@dataclass(frozen=True, slots=True)
class ConversationState:
    """A conversation starts, or changes status (open, handed_off, closed)."""

    conversation: str
    candidate: str
    posting: str
    status: str
    at: str


@dataclass(frozen=True, slots=True)
class MessageLogged:
    """One message, either way. `seq` orders a conversation's messages."""

    message: str
    conversation: str
    candidate: str
    seq: int
    direction: str  # "in" from the candidate, "out" from the bot or a recruiter
    channel: str
    text: str
    topics: tuple[str, ...]
    outcome: str | None  # answer, clarify, fallback, handoff, smalltalk, command
    confidence: float | None
    latency_ms: float | None
    lang: str | None
    at: str


@dataclass(frozen=True, slots=True)
class FeedbackGiven:
    """Helpful or not, for one bot answer; the latest vote counts."""

    message: str
    candidate: str
    helpful: bool
    at: str


Event = CandidateSeen | ConversationState | MessageLogged | FeedbackGiven
_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (CandidateSeen, ConversationState, MessageLogged, FeedbackGiven)
}


def to_json(event: Event) -> str:
    """One JSONL line for the spill file."""
    return json.dumps(
        {"type": type(event).__name__, **dataclasses.asdict(event)}, ensure_ascii=False
    )


def from_json(line: str) -> Event:
    """The event of one spill-file line; ValueError if it is not one."""
    data = json.loads(line)
    cls = _TYPES[data.pop("type")]
    if cls is MessageLogged:
        data["topics"] = tuple(data["topics"])
    event: Event = cls(**data)
    return event

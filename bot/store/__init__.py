"""The transcript store: every conversation in one SQLite file, written off the reply path."""

from bot.store.events import (
    CandidateSeen,
    ConversationState,
    Event,
    FeedbackGiven,
    MessageLogged,
)
from bot.store.store import TranscriptStore

__all__ = [
    "CandidateSeen",
    "ConversationState",
    "Event",
    "FeedbackGiven",
    "MessageLogged",
    "TranscriptStore",
]

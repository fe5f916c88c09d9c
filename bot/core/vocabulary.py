"""The words the program shares from the core to the database and the console.

Each is a `StrEnum`, so a member is stored and compared as its plain string.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What a logged message was. The first four are the dialogue's decisions."""

    ANSWER = "answer"
    # The question asks what the posting does not say; the reply says so.
    NOT_STATED = "not_stated"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    # An answer from the small-talk topics (hello, thanks, are you a bot?).
    SMALLTALK = "smalltalk"
    # A command, a button, a notice: a message that is not a question or its answer.
    COMMAND = "command"
    HANDOFF = "handoff"
    # Sent past the per-candidate rate: logged, never answered.
    FLOOD = "flood"
    # A recruiter's own words to the candidate (relayed by the bot).
    RECRUITER = "recruiter"
    # A new answer sent later to a question that had gone unanswered (`kb notify`).
    NOTIFY = "notify"


# The outcomes of the bot's answers to questions, as the recruiters' filters offer them.
REPLY_OUTCOMES = (
    Outcome.ANSWER,
    Outcome.NOT_STATED,
    Outcome.CLARIFY,
    Outcome.FALLBACK,
    Outcome.HANDOFF,
    Outcome.SMALLTALK,
)


class Direction(StrEnum):
    IN = "in"  # from the candidate
    OUT = "out"  # to the candidate


class Status(StrEnum):
    """A conversation's hand-off status."""

    OPEN = "open"
    # The candidate asked for a person: waiting in the recruiters' queue.
    HANDED_OFF = "handed_off"
    CLOSED = "closed"


class MessageKind(StrEnum):
    """What a candidate can send besides a question in words."""

    STICKER = "sticker"
    PHOTO = "photo"
    ANIMATION = "animation"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    VOICE = "voice"
    AUDIO = "audio"
    DOCUMENT = "document"
    LOCATION = "location"
    VENUE = "venue"
    CONTACT = "contact"
    POLL = "poll"
    DICE = "dice"
    FORWARDED = "forwarded"
    EDITED = "edited"
    OTHER = "message"


class Role(StrEnum):
    """A console account's role."""

    # Reads transcripts and the unanswered questions; cannot export or reply.
    VIEWER = "viewer"
    RECRUITER = "recruiter"
    ADMIN = "admin"

"""The conversation's rules, for every channel: `Conversation.step(state, event)`.

A channel turns what the candidate did into an event, calls `step`, logs the turn,
sends its messages and carries out its effect (a hand-off, an erasure), then tells
the conversation how that went with another event. The rules (language carried
across turns, hand-off requests, "did you mean", "more", feedback, the flood notice)
live here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.core.compose import Section
from bot.core.dialogue import HUMAN_TOPIC, Reply, Responder
from bot.core.flood import FloodWindow, Verdict, admit
from bot.core.knowledge import LANGUAGES, is_smalltalk
from bot.core.phrases import phrase
from bot.core.vocabulary import MessageKind, Outcome, Status

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
RECENT_MESSAGES = 6  # context sent to recruiters with a hand-off
# Typed words that act like the buttons, in every language.
TOPICS_WORDS = frozenset({"topics", "/topics", "topic", "sujets", "temas"})
MORE_WORDS = frozenset({"more", "/more", "plus", "más", "mas"})


# -- state -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    """What the conversation remembers between two events."""

    posting: str
    lang: str = "en"
    # The latest question the bot could not fully answer: what a hand-off passes on.
    unanswered: str | None = None
    # A person was asked for with no question yet: the next message is that question.
    awaiting_handoff: bool = False
    # The topics last offered in a list or a "did you mean", in order: "2" picks one.
    choices: tuple[str, ...] = ()
    # The topic the last reply showed in part: "more" gives the rest.
    more: str | None = None
    # The latest messages, (speaker, text), for the recruiters' context.
    recent: tuple[tuple[str, str], ...] = ()
    flood: FloodWindow = field(default_factory=FloodWindow)


# -- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Words the candidate typed. `at` is a monotonic time, for the flood rule."""

    text: str
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class Command:
    """A command: `name` without the slash, `args` after it, `text` as typed."""

    name: str
    args: str = ""
    text: str = ""
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Anything but words: a sticker, a photo, a forwarded or an edited message."""

    kind: MessageKind
    text: str  # how the transcript shows it: "[photo] caption"
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class ToRecruiter:
    """The candidate answers a recruiter's message."""

    text: str
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class ChooseTopic:
    """A topic picked from a list, a "did you mean", a related topic or "more"."""

    topic: str
    text: str | None = None  # as typed ("2", "more"); None: the topic's title


@dataclass(frozen=True, slots=True)
class NoneOfThese:
    """None of the "did you mean" choices: the question goes unanswered."""

    text: str | None = None  # as typed ("0"); None: the button's label


@dataclass(frozen=True, slots=True)
class HumanButton:
    """The "talk to a recruiter" button."""


@dataclass(frozen=True, slots=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True, slots=True)
class Feedback:
    message: str  # the id of the rated reply
    helpful: bool


@dataclass(frozen=True, slots=True)
class Forget:
    """The answer to "erase your data?"."""

    confirmed: bool


@dataclass(frozen=True, slots=True)
class Erased:
    """The erasure's result: rows erased, or None when it failed."""

    count: int | None


class HandOffKind(StrEnum):
    QUESTION = "question"  # a new question for a recruiter
    ANSWER = "answer"  # the candidate's answer to a recruiter


@dataclass(frozen=True, slots=True)
class HandedOff:
    """The hand-off's result."""

    kind: HandOffKind
    delivered: bool


@dataclass(frozen=True, slots=True)
class RecruiterSaid:
    """A recruiter's reply to the candidate."""

    text: str


Event = (
    Text
    | Command
    | Unsupported
    | ToRecruiter
    | ChooseTopic
    | NoneOfThese
    | HumanButton
    | SetLanguage
    | Feedback
    | Forget
    | Erased
    | HandedOff
    | RecruiterSaid
)
_MESSAGES = (Text, Command, Unsupported, ToRecruiter)  # what the flood rule counts


# -- the turn -------------------------------------------------------------------------------


class MenuKind(StrEnum):
    TOPICS = "topics"  # the posting's topics
    CHOICES = "choices"  # "did you mean", with "none of these"
    ANSWER = "answer"  # related topics, "more", feedback, maybe a recruiter
    HUMAN = "human"  # "talk to a recruiter"
    LANGUAGES = "languages"
    FORGET = "forget"  # yes / no


@dataclass(frozen=True, slots=True)
class Menu:
    """The buttons (or numbered lines) that go with a message."""

    kind: MenuKind
    lang: str
    items: tuple[tuple[str, str], ...] = ()  # (topic, title)
    more: tuple[str, str] | None = None  # (topic, label)
    feedback: bool = False
    human: bool = False


@dataclass(frozen=True, slots=True)
class Heard:
    """How the candidate's message is logged; `outcome` None: a question, logged with
    its answer."""

    text: str
    lang: str
    outcome: Outcome | None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Say:
    """One message to the candidate."""

    text: str
    lang: str
    outcome: Outcome
    sections: tuple[Section, ...] = ()
    menu: Menu | None = None
    answer: Reply | None = None  # the core's reply behind it, for the log
    logged: bool = True  # False after an erasure: nothing more is written about them

    @property
    def relay(self) -> bool:
        """A recruiter's words, shown as theirs."""
        return self.outcome is Outcome.RECRUITER

    @property
    def blocks(self) -> tuple[Section, ...]:
        return self.sections or (Section(self.text),)


@dataclass(frozen=True, slots=True)
class HandOff:
    """Pass `text` to the recruiters, then step with `HandedOff`."""

    kind: HandOffKind
    text: str


@dataclass(frozen=True, slots=True)
class Turn:
    """What one event makes the channel do, in order: log, notify, send, act."""

    heard: Heard | None = None
    says: tuple[Say, ...] = ()
    toast: str | None = None  # a short notice on the pressed button
    feedback: Feedback | None = None
    status: Status | None = None  # the conversation's new hand-off status
    handoff: HandOff | None = None
    erase: bool = False  # erase the candidate's data, then step with `Erased`


# -- the rules ------------------------------------------------------------------------------


@dataclass(slots=True)
class Conversation:
    """The rules, over one responder (replaced whole by a knowledge reload)."""

    responder: Responder
    # A recruiter can take the conversation (Telegram with a recruiters' group).
    handoff: bool = True
    no_handoff: str = "handoff_unavailable"  # the phrase when nobody can
    erasure: bool = True
    flood_messages: int | None = 8  # None: no flood rule
    flood_seconds: float = 10.0
    handoff_reply_hours: int = 48
    retention_days: int = 180

    def start(self, posting: str | None = None, lang: str = "en") -> State:
        """The state of a new conversation about `posting` (the default one if None)."""
        slug = self.responder.knowledge.posting(posting).slug
        return State(slug, lang if lang in LANGUAGES else "en")

    def step(self, state: State, event: Event) -> tuple[State, Turn]:
        """The next state and what to do, for one event."""
        if isinstance(event, _MESSAGES) and self.flood_messages is not None:
            state, verdict = self._count(state, event.at, self.flood_messages)
            if verdict is not Verdict.ALLOW:
                heard = Heard(_text_of(event), state.lang, Outcome.FLOOD)
                says = () if verdict is Verdict.DROP else (self._say(state, "slow_down"),)
                return _remember(state, heard, says)
        match event:
            case Text(text=text):
                return self._text(state, text)
            case Command():
                return self._command(state, event)
            case Unsupported(kind=kind, text=text):
                notice = (MessageKind.FORWARDED, MessageKind.EDITED)
                key = kind.value if kind in notice else "not_text"
                heard = Heard(
                    f"[edited] {text}" if kind is MessageKind.EDITED else text,
                    state.lang,
                    Outcome.COMMAND,
                )
                return _remember(state, heard, (self._say(state, key),))
            case ToRecruiter(text=text):
                heard = Heard(text, state.lang, Outcome.HANDOFF)
                return _remember(state, heard, (), handoff=HandOff(HandOffKind.ANSWER, text))
            case ChooseTopic():
                return self._topic(state, event)
            case NoneOfThese(text=typed):
                label = typed or phrase("none_of_these", state.lang)
                heard = Heard(label, state.lang, Outcome.COMMAND)
                menu = Menu(MenuKind.HUMAN, state.lang)
                say = self._say(state, "none_offer", Outcome.FALLBACK, menu=menu)
                return _remember(replace(state, choices=()), heard, (say,))
            case HumanButton():
                heard = self._heard(state, "talk_to_recruiter", Outcome.HANDOFF)
                return self._hand_off(state, heard, None)
            case SetLanguage(lang=lang):
                if lang not in LANGUAGES:
                    return state, Turn()
                heard = Heard(LANGUAGE_NAMES[lang], state.lang, Outcome.COMMAND)
                state = replace(state, lang=lang)
                return _remember(state, heard, (self._say(state, "language_set"),))
            case Feedback():
                return state, Turn(toast=phrase("feedback_thanks", state.lang), feedback=event)
            case Forget(confirmed=False):
                heard = self._heard(state, "forget_no")
                return _remember(state, heard, (self._say(state, "forget_kept"),))
            case Forget(confirmed=True):
                return state, Turn(erase=True)
            case Erased(count=count):
                if count is None:
                    text = phrase("forget_failed", state.lang)
                else:
                    text = phrase("forget_done", state.lang, count=str(count))
                return state, Turn(says=(Say(text, state.lang, Outcome.COMMAND, logged=False),))
            case HandedOff():
                return self._handed_off(state, event)
            case RecruiterSaid(text=text):
                say = Say(text, state.lang, Outcome.RECRUITER)
                return _remember(state, None, (say,), speaker="recruiter")
        raise TypeError(f"not a conversation event: {event!r}")

    # -- words ---------------------------------------------------------------------------

    def _text(self, state: State, text: str) -> tuple[State, Turn]:
        typed = text.strip()
        word = typed.casefold()
        if word.startswith("/"):
            name, _, args = typed[1:].partition(" ")
            return self._command(state, Command(name.casefold(), args.strip(), text))
        if state.awaiting_handoff and typed:
            return self._hand_off(state, Heard(text, state.lang, Outcome.HANDOFF), text)
        if word in MORE_WORDS and state.more:
            return self._topic(state, ChooseTopic(state.more, text=text))
        if word in TOPICS_WORDS:
            return self._command(state, Command("topics", text=text))
        if typed.isdigit() and state.choices:
            number = int(typed)
            if number == 0:
                return self.step(state, NoneOfThese(text))
            if number <= len(state.choices):
                chosen = state.choices[number - 1]
                return self._topic(state, ChooseTopic(chosen, text=text))
        return self._question(state, text)

    def _question(self, state: State, text: str) -> tuple[State, Turn]:
        reply = self.responder.reply(text, state.posting, state.lang)
        if reply.lang in LANGUAGES:
            state = replace(state, lang=reply.lang)
        if reply.wants_human:  # with a question besides, that question goes to the recruiter
            asked_more = any(t != HUMAN_TOPIC for t in reply.topics)
            heard = Heard(text, reply.lang, Outcome.HANDOFF)
            return self._hand_off(state, heard, text if asked_more else None)
        if reply.outcome is not Outcome.ANSWER:
            state = replace(state, unanswered=text)
        return self._answered(state, Heard(text, reply.lang, None), reply)

    def _topic(self, state: State, event: ChooseTopic) -> tuple[State, Turn]:
        posting = self.responder.knowledge.posting(state.posting)
        if not posting.has_topic(event.topic):
            return state, Turn(says=(self._say(state, "topic_gone"),))
        reply = self.responder.answer_topic(event.topic, state.lang, state.posting)
        title = posting.topic(event.topic).text(state.lang).title
        heard = Heard(event.text or title, state.lang, Outcome.COMMAND, (event.topic,))
        return self._answered(state, heard, reply)

    def _answered(self, state: State, heard: Heard, reply: Reply) -> tuple[State, Turn]:
        lang = reply.reply_lang
        posting = self.responder.knowledge.posting(state.posting)
        if reply.outcome is Outcome.CLARIFY:
            choices = tuple((t, posting.topic(t).text(lang).title) for t in reply.suggestions)
            menu = Menu(MenuKind.CHOICES, lang, choices)
            say = Say(phrase("clarify", lang), lang, Outcome.CLARIFY, menu=menu, answer=reply)
            state = replace(state, choices=reply.suggestions, more=None)
            return _remember(state, heard, (say,))
        if reply.outcome is Outcome.FALLBACK:
            menu = Menu(MenuKind.HUMAN, lang)
        else:
            related = tuple(
                (t, title)
                for t, title in self.responder.related_titles(reply.topics[0], lang, state.posting)
                if t != reply.more
            )
            more = None
            if reply.more is not None:
                title = posting.topic(reply.more).text(lang).title
                more = (reply.more, phrase("more_about", lang, title=title))
            menu = Menu(
                MenuKind.ANSWER,
                lang,
                related,
                more=more,
                feedback=not all(map(is_smalltalk, reply.topics)),
                human=reply.outcome is Outcome.NOT_STATED,
            )
        say = Say(reply.text, lang, reply.outcome, reply.sections, menu, answer=reply)
        state = replace(state, choices=(), more=reply.more)
        return _remember(state, heard, (say,))

    # -- commands ------------------------------------------------------------------------

    def _command(self, state: State, command: Command) -> tuple[State, Turn]:
        typed = command.text or f"/{command.name}"
        heard = Heard(typed, state.lang, Outcome.COMMAND)
        lang = state.lang
        match command.name:
            case "start":
                text = "\n\n".join(
                    [
                        self.responder.greeting(lang, state.posting),
                        phrase("bot_notice", lang),
                        phrase("topics", lang),
                    ]
                )
                return self._topics(state, heard, text)
            case "topics":
                return self._topics(state, heard, phrase("topics", lang))
            case "help":
                return _remember(state, heard, (self._say(state, "help"),))
            case "privacy":
                say = self._say(state, "privacy", days=str(self.retention_days))
                return _remember(state, heard, (say,))
            case "language" if command.args.casefold() in LANGUAGES:
                return self.step(state, SetLanguage(command.args.casefold()))
            case "language":
                menu = Menu(MenuKind.LANGUAGES, lang)
                return _remember(state, heard, (self._say(state, "choose_language", menu=menu),))
            case "forget" if self.erasure:
                menu = Menu(MenuKind.FORGET, lang)
                return _remember(state, heard, (self._say(state, "forget_confirm", menu=menu),))
            case "forget":
                return _remember(state, heard, (self._say(state, "forget_unavailable"),))
            case "human":
                heard = Heard(typed, lang, Outcome.HANDOFF)
                return self._hand_off(state, heard, command.args or None)
        return _remember(state, heard, (self._say(state, "unknown_command"),))

    def _topics(self, state: State, heard: Heard, text: str) -> tuple[State, Turn]:
        titles = tuple(self.responder.topic_titles(state.lang, state.posting))
        say = Say(text, state.lang, Outcome.COMMAND, menu=Menu(MenuKind.TOPICS, state.lang, titles))
        state = replace(state, choices=tuple(t for t, _ in titles), more=None)
        return _remember(state, heard, (say,))

    # -- a person ------------------------------------------------------------------------

    def _hand_off(self, state: State, heard: Heard, question: str | None) -> tuple[State, Turn]:
        """Pass `question` (or the latest unanswered one) on; with none yet, ask for it."""
        if not self.handoff:
            return _remember(state, heard, (self._say(state, self.no_handoff, Outcome.HANDOFF),))
        question = question or state.unanswered
        if not question:
            state = replace(state, awaiting_handoff=True)
            return _remember(state, heard, (self._say(state, "handoff_ask", Outcome.HANDOFF),))
        state = replace(state, awaiting_handoff=False)
        return _remember(state, heard, (), handoff=HandOff(HandOffKind.QUESTION, question))

    def _handed_off(self, state: State, event: HandedOff) -> tuple[State, Turn]:
        if not event.delivered:
            return _remember(state, None, (self._say(state, "handoff_failed", Outcome.HANDOFF),))
        if event.kind is HandOffKind.ANSWER:
            say = self._say(state, "sent_to_recruiter", Outcome.HANDOFF)
            return _remember(state, None, (say,))
        hours = str(self.handoff_reply_hours)
        say = self._say(state, "handoff_sent", Outcome.HANDOFF, hours=hours)
        state = replace(state, unanswered=None)
        return _remember(state, None, (say,), status=Status.HANDED_OFF)

    # -- small parts ---------------------------------------------------------------------

    def _count(self, state: State, at: float, limit: int) -> tuple[State, Verdict]:
        window, verdict = admit(state.flood, at, limit, self.flood_seconds)
        return replace(state, flood=window), verdict

    @staticmethod
    def _say(
        state: State,
        key: str,
        outcome: Outcome = Outcome.COMMAND,
        menu: Menu | None = None,
        **values: str,
    ) -> Say:
        return Say(phrase(key, state.lang, **values), state.lang, outcome, menu=menu)

    @staticmethod
    def _heard(state: State, key: str, outcome: Outcome = Outcome.COMMAND) -> Heard:
        return Heard(phrase(key, state.lang), state.lang, outcome)


def _text_of(event: Text | Command | Unsupported | ToRecruiter) -> str:
    if isinstance(event, Command):
        return event.text or f"/{event.name}"
    return event.text


def _remember(
    state: State,
    heard: Heard | None,
    says: tuple[Say, ...],
    *,
    speaker: str = "bot",
    handoff: HandOff | None = None,
    status: Status | None = None,
) -> tuple[State, Turn]:
    """The turn, with its messages added to the recent context."""
    recent = list(state.recent)
    if heard is not None:
        recent.append(("candidate", heard.text))
    recent += [(speaker, say.text) for say in says]
    state = replace(state, recent=tuple(recent[-RECENT_MESSAGES:]))
    return state, Turn(heard=heard, says=says, handoff=handoff, status=status)

"""The conversation's rules, without any channel: `Conversation.step`."""

from __future__ import annotations

import pytest

from bot.core.conversation import (
    ChooseTopic,
    Command,
    Conversation,
    Erased,
    Feedback,
    Forget,
    HandedOff,
    HandOffKind,
    HumanButton,
    MenuKind,
    NoneOfThese,
    RecruiterSaid,
    SetLanguage,
    State,
    Text,
    Turn,
    Unsupported,
)
from bot.core.dialogue import Responder
from bot.core.phrases import phrase
from bot.core.vocabulary import MessageKind, Outcome, Status


@pytest.fixture
def talk(responder: Responder) -> Conversation:
    return Conversation(responder, handoff=True, flood_messages=3, flood_seconds=10.0)


def play(talk: Conversation, state: State, *events: object) -> tuple[State, list[Turn]]:
    turns = []
    for event in events:
        state, turn = talk.step(state, event)  # type: ignore[arg-type]
        turns.append(turn)
    return state, turns


def test_the_language_of_a_question_is_carried_to_later_turns(talk: Conversation) -> None:
    state, (turn,) = play(talk, talk.start(), Text("le poste est-il en télétravail ?"))
    assert state.lang == "fr" and turn.says[0].lang == "fr"
    state, (turn,) = play(talk, state, Command("help"))
    assert turn.says[0].text == phrase("help", "fr")
    state, _ = play(talk, state, SetLanguage("es"))
    assert state.lang == "es"


def test_a_numbered_pick_answers_the_offered_choice(talk: Conversation) -> None:
    state, (turn,) = play(talk, talk.start(), Text("how large is the engineering team"))
    say = turn.says[0]
    assert say.outcome is Outcome.CLARIFY and say.menu is not None
    assert say.menu.kind is MenuKind.CHOICES
    assert state.choices == tuple(t for t, _ in say.menu.items)
    second = say.menu.items[1][0]
    state, (turn,) = play(talk, state, Text("2"))
    assert turn.heard is not None and turn.heard.topics == (second,)
    assert turn.says[0].answer is not None and second in turn.says[0].answer.topics
    assert state.choices == ()


def test_zero_is_none_of_these_and_offers_a_recruiter(talk: Conversation) -> None:
    state, _ = play(talk, talk.start(), Text("how large is the engineering team"))
    state, (turn,) = play(talk, state, Text("0"))
    assert turn.says[0].text == phrase("none_offer", "en")
    assert turn.says[0].menu is not None and turn.says[0].menu.kind is MenuKind.HUMAN
    state, (same,) = play(talk, state, NoneOfThese())
    assert same.says[0].text == turn.says[0].text


def test_more_gives_the_whole_topic_only_after_a_partial_answer(talk: Conversation) -> None:
    state, (turn,) = play(talk, talk.start(), Text("how long is the tech interview?"))
    assert state.more == "interview-process"
    menu = turn.says[0].menu
    assert menu is not None and menu.more is not None and menu.more[0] == "interview-process"
    state, (turn,) = play(talk, state, Text("more"))
    whole = talk.responder.answer_topic("interview-process", "en")
    assert turn.says[0].text == whole.text
    assert state.more is None
    _, (turn,) = play(talk, state, Text("more"))  # nothing shown in part: a question again
    assert turn.says[0].answer is not None and turn.says[0].text != whole.text


def test_asking_for_a_person_without_a_question_waits_for_it(talk: Conversation) -> None:
    state, (turn,) = play(talk, talk.start(), Command("human"))
    assert state.awaiting_handoff and turn.handoff is None
    assert turn.says[0].text == phrase("handoff_ask", "en")
    state, (turn,) = play(talk, state, Text("can I get a visa?"))
    assert turn.handoff is not None and turn.handoff.text == "can I get a visa?"
    assert turn.heard is not None and turn.heard.outcome is Outcome.HANDOFF
    assert not state.awaiting_handoff
    state, (done,) = play(talk, state, HandedOff(HandOffKind.QUESTION, delivered=True))
    assert done.status is Status.HANDED_OFF
    assert done.says[0].text == phrase("handoff_sent", "en", hours="48")


def test_a_person_gets_the_latest_unanswered_question(talk: Conversation) -> None:
    state, _ = play(talk, talk.start(), Text("what's the weather in Paris tomorrow?"))
    assert state.unanswered == "what's the weather in Paris tomorrow?"
    state, (turn,) = play(talk, state, HumanButton())
    assert turn.handoff is not None and turn.handoff.text == state.unanswered
    state, (failed,) = play(talk, state, HandedOff(HandOffKind.QUESTION, delivered=False))
    assert failed.says[0].text == phrase("handoff_failed", "en") and failed.status is None
    assert state.unanswered is not None  # kept for the next try


def test_asking_in_words_for_a_person_hands_off(talk: Conversation) -> None:
    _, (turn,) = play(talk, talk.start(), Text("I want to talk to a human"))
    assert turn.handoff is None and turn.says[0].text == phrase("handoff_ask", "en")


def test_without_recruiters_a_hand_off_says_so(responder: Responder) -> None:
    alone = Conversation(responder, handoff=False)
    state, (turn,) = play(alone, alone.start(), Command("human", "is there a visa?"))
    assert turn.handoff is None and not state.awaiting_handoff
    assert turn.says[0].text == phrase("handoff_unavailable", "en")


def test_feedback_is_thanked_and_recorded(talk: Conversation) -> None:
    _, (turn,) = play(talk, talk.start(), Feedback("m1", helpful=False))
    assert turn.feedback == Feedback("m1", False)
    assert turn.toast == phrase("feedback_thanks", "en") and turn.says == ()


def test_the_flood_rule_warns_once_then_stays_silent(talk: Conversation) -> None:
    events = [Text("is it remote?", at=0.1 * i) for i in range(6)]
    state, turns = play(talk, talk.start(), *events)
    assert [len(t.says) for t in turns[3:]] == [1, 0, 0]
    assert turns[3].says[0].text == phrase("slow_down", "en")
    assert all(t.heard is not None and t.heard.outcome is Outcome.FLOOD for t in turns[3:])
    _, (later,) = play(talk, state, Text("is it remote?", at=60.0))
    assert later.says[0].answer is not None


def test_erasure_is_confirmed_then_reported_and_not_logged(talk: Conversation) -> None:
    state, (ask, keep) = play(talk, talk.start(), Command("forget"), Forget(confirmed=False))
    assert ask.says[0].menu is not None and ask.says[0].menu.kind is MenuKind.FORGET
    assert keep.says[0].text == phrase("forget_kept", "en")
    state, (erase, done) = play(talk, state, Forget(confirmed=True), Erased(7))
    assert erase.erase and erase.says == ()
    assert done.says[0].text == phrase("forget_done", "en", count="7")
    assert not done.says[0].logged


def test_other_messages_get_a_notice(talk: Conversation) -> None:
    _, (sticker, edited) = play(
        talk,
        talk.start(),
        Unsupported(MessageKind.STICKER, "[sticker]"),
        Unsupported(MessageKind.EDITED, "is it remote?"),
    )
    assert sticker.says[0].text == phrase("not_text", "en")
    assert edited.heard is not None and edited.heard.text == "[edited] is it remote?"
    assert edited.says[0].text == phrase("edited", "en")


def test_a_recruiters_words_join_the_recent_context(talk: Conversation) -> None:
    state, (turn,) = play(talk, talk.start(), RecruiterSaid("Hi, I'm Ana"))
    assert turn.says[0].relay and turn.says[0].outcome is Outcome.RECRUITER
    assert state.recent[-1] == ("recruiter", "Hi, I'm Ana")


def test_a_topic_removed_by_a_reload_is_said_to_be_gone(talk: Conversation) -> None:
    _, (turn,) = play(talk, talk.start(), ChooseTopic("no-such-topic"))
    assert turn.says[0].text == phrase("topic_gone", "en") and turn.heard is None

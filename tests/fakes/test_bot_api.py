"""The fake Bot API, driven by a real python-telegram-bot `Bot` over HTTP.

These tests pin down that the fake speaks the Bot API the way PTB 22 expects: the encoding of
requests, the shape of results and errors, and Telegram's limits.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.warnings import PTBDeprecationWarning

from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage


def keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"b{i}", callback_data=d)] for i, d in enumerate(datas)]
    )


async def raw_updates(fake: FakeBotApi, **params: Any) -> list[dict[str, Any]]:
    """getUpdates through plain httpx with query-string parameters, as raw JSON."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{fake.base_url}{fake.token}/getUpdates", params=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]


# Connecting.


async def test_get_me_describes_the_test_bot(bot: Bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        123456,
        True,
        "HireBot",
        "hirebot_test_bot",
    )
    assert me.can_join_groups and me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False


async def test_wrong_token_is_invalid_token(fake: FakeBotApi):
    with pytest.raises(InvalidToken):
        async with Bot("654321:wrong-token", base_url=fake.base_url):
            pass
    assert fake.calls[-1].status == 401


async def test_unknown_method_is_404_which_ptb_reports_as_invalid_token(bot: Bot, fake: FakeBotApi):
    # PTB maps 404 like 401 to InvalidToken: a method the fake lacks looks like a bad token.
    with pytest.raises(InvalidToken, match="method not found"):
        await bot.set_my_description("A bot")
    assert (fake.calls[-1].method, fake.calls[-1].status) == ("setMyDescription", 404)
    # Only do_api_request, on an initialized bot, tells the two apart.
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fetchMoon")


async def test_json_and_query_string_parameters_are_accepted(fake: FakeBotApi):
    ana = fake.user()
    url = f"{fake.base_url}{fake.token}"
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "vote:yes"}]]}
    async with httpx.AsyncClient() as client:
        by_json = await client.post(
            f"{url}/sendMessage", json={"chat_id": ana.id, "text": "json", "reply_markup": markup}
        )
        by_query = await client.get(f"{url}/sendmessage", params={"chat_id": ana.id, "text": "123"})
    assert by_json.json()["result"]["reply_markup"] == markup
    # A numeric-looking text stays a string; method names are case-insensitive.
    assert by_query.json()["result"]["text"] == "123"
    assert [m.text for m in ana.replies] == ["json", "123"]
    assert [c.method for c in fake.calls] == ["sendMessage", "sendMessage"]


# Receiving updates.


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await fake.wait_for(lambda: fake.polling)
    started = time.perf_counter()
    ana.send("hello")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert time.perf_counter() - started < 1.0
    assert [u.message.text for u in updates] == ["hello"]
    assert updates[0].update_id in fake.delivered_update_ids


async def test_long_poll_times_out_empty(bot: Bot):
    started = time.perf_counter()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.perf_counter() - started < 3


async def test_offset_confirms_earlier_updates_and_limit_caps_a_batch(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    for i in range(3):
        ana.send(f"m{i}")
    ids = list(fake.update_available_at)
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    # Unconfirmed updates come again; an offset drops those below it.
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert fake.confirmed_update_ids == {ids[0]}
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert fake.confirmed_update_ids == set(ids) and fake.pending_updates == 0
    assert set(fake.update_available_at) == set(ids)


async def test_allowed_updates_filter_and_a_negative_offset_keeps_the_last(
    bot: Bot, fake: FakeBotApi
):
    ana = fake.user()
    await bot.send_message(ana.id, "Pick", reply_markup=keyboard("a"))
    ana.send("text")
    ana.press(fake.sent[0], "a")
    ana.send("more text")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates] == ["a"]
    # An empty list restores the default: every type but a few opt-in ones.
    assert len(await bot.get_updates(allowed_updates=[])) == 3
    assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["more text"]
    assert fake.pending_updates == 1


async def test_a_second_poller_terminates_the_first(fake: FakeBotApi):
    async with (
        Bot(fake.token, base_url=fake.base_url) as first,
        Bot(fake.token, base_url=fake.base_url) as second,
    ):
        earlier = asyncio.create_task(first.get_updates(timeout=20))
        await fake.wait_for(lambda: fake.polling)
        later = asyncio.create_task(second.get_updates(timeout=20))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(earlier, timeout=5)
        fake.user().send("for the survivor")
        assert [u.message.text for u in await asyncio.wait_for(later, 5)] == ["for the survivor"]


async def test_webhook_blocks_get_updates_until_deleted(bot: Bot, fake: FakeBotApi):
    assert await bot.set_webhook(
        "https://bot.example.com/telegram",
        secret_token="s3cr3t_token",
        allowed_updates=["message", "callback_query"],
        drop_pending_updates=True,
    )
    assert fake.webhook == {
        "url": "https://bot.example.com/telegram",
        "secret_token": "s3cr3t_token",
        "allowed_updates": ["message", "callback_query"],
        "drop_pending_updates": True,
        "max_connections": 40,
    }
    assert (await bot.get_webhook_info()).url == "https://bot.example.com/telegram"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert fake.webhook is None and await bot.get_updates() == ()


async def test_webhook_needs_https_on_an_allowed_port(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.com/telegram")
    with pytest.raises(BadRequest, match=r"(?i)ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://bot.example.com:8080/telegram")


async def test_stop_returns_promptly_during_a_long_poll(fake: FakeBotApi):
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_for(lambda: fake.polling)
        started = time.perf_counter()
        await fake.stop()
        assert time.perf_counter() - started < 2
        assert await asyncio.wait_for(poll, timeout=2) == ()


# Update shapes: what the fake's users send must parse into the right PTB attributes.


UPDATE_CASES = [
    pytest.param(
        lambda f, u: u.send_sticker("🙂"),
        lambda up: (
            up.message.sticker.emoji,
            up.message.sticker.is_animated,
            up.message.sticker.type,
        ),
        ("🙂", False, "regular"),
        id="sticker",
    ),
    pytest.param(
        lambda f, u: u.send_photo(caption="my desk"),
        lambda up: (up.message.photo[-1].width, up.message.caption),
        (1280, "my desk"),
        id="photo",
    ),
    pytest.param(
        lambda f, u: u.send_voice(duration=7),
        lambda up: up.message.voice.duration,
        dtm.timedelta(seconds=7),
        id="voice",
    ),
    pytest.param(
        lambda f, u: u.send_document(),
        lambda up: (up.message.document.file_name, up.message.document.mime_type),
        ("cv.pdf", "application/pdf"),
        id="document",
    ),
    pytest.param(
        lambda f, u: u.send_location(),
        lambda up: (up.message.location.latitude, up.message.location.longitude),
        (48.8566, 2.3522),
        id="location",
    ),
    pytest.param(
        lambda f, u: u.send_contact(),
        lambda up: up.message.contact.user_id == up.effective_user.id,
        True,
        id="contact",
    ),
    pytest.param(
        lambda f, u: u.edit(u.send("typo"), "fixed"),
        lambda up: (up.edited_message.text, up.edited_message.edit_date is not None),
        ("fixed", True),
        id="edited_message",
    ),
    pytest.param(
        lambda f, u: f.channel_post("Jobs", "We are hiring"),
        lambda up: (up.channel_post.chat.type, up.channel_post.sender_chat.title),
        ("channel", "Jobs"),
        id="channel_post",
    ),
    pytest.param(
        lambda f, u: u.send("fwd", forward_from=f.user(first_name="Bo")),
        lambda up: (
            up.message.forward_origin.type,
            up.message.forward_origin.sender_user.first_name,
        ),
        ("user", "Bo"),
        id="forwarded",
    ),
    pytest.param(
        lambda f, u: u.send("hi all", chat=f.group(title="Recruiters")),
        lambda up: (up.effective_chat.type, up.effective_chat.title, up.effective_user.first_name),
        ("supergroup", "Recruiters", "Ana"),
        id="group",
    ),
    pytest.param(
        lambda f, u: u.send("answer", reply_to=u.send("question")),
        lambda up: up.message.reply_to_message.text,
        "question",
        id="reply",
    ),
]


@pytest.mark.parametrize(("make", "read", "expected"), UPDATE_CASES)
async def test_user_updates_parse_into_ptb_objects(
    bot: Bot,
    fake: FakeBotApi,
    make: Callable[[FakeBotApi, FakeUser], object],
    read: Callable[[Update], Any],
    expected: Any,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # durations as timedelta, without warnings
    make(fake, fake.user(first_name="Ana"))
    raw = await raw_updates(fake)
    assert read(Update.de_json(raw[-1], bot)) == expected


async def test_commands_and_mentions_carry_entities_for_command_handler(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    ana.send("/start@hirebot_test_bot ref42")
    ana.send("/help")
    ana.send("¿qué tal? 👋 @hirebot_test_bot")
    start, help_, mention = (Update.de_json(u, bot) for u in await raw_updates(fake))
    assert CommandHandler("start", lambda u, c: None).check_update(start)
    assert CommandHandler("help", lambda u, c: None).check_update(help_)
    assert not CommandHandler("start", lambda u, c: None).check_update(help_)
    # Offsets count UTF-16 code units: the emoji takes two.
    assert mention.message.parse_entities([MessageEntity.MENTION]) == {
        MessageEntity(MessageEntity.MENTION, offset=13, length=17): "@hirebot_test_bot"
    }


async def test_pressing_a_button_sends_a_callback_query(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    await bot.send_message(
        ana.id, "Pick one", reply_markup=keyboard("topic:salary", "topic:remote")
    )
    sent = await ana.next_reply()
    query = ana.press(sent, "topic:remote")
    update = (await bot.get_updates())[-1]
    assert update.callback_query.data == "topic:remote"
    assert update.callback_query.message.message_id == sent.message_id
    assert update.callback_query.from_user.id == ana.id
    assert await update.callback_query.answer("Noted")
    assert [a["callback_query_id"] for a in fake.answered_callbacks] == [query["id"]]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(AssertionError, match="no button with callback_data 'topic:other'"):
        ana.press(sent, "topic:other")


# Sending and editing.


async def test_html_message_with_keyboard_round_trips(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    # The emoji takes two UTF-16 units: text_html only matches if offsets count them.
    html = '👋 <b>Remote</b> work: <a href="https://example.com/faq">FAQ</a> &amp; more'
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Salary", callback_data="topic:salary")],
            [InlineKeyboardButton("Apply", url="https://example.com/apply")],
        ]
    )
    message = await bot.send_message(ana.id, html, parse_mode="HTML", reply_markup=markup)
    assert message.text == "👋 Remote work: FAQ & more"
    assert message.text_html == html
    assert message.reply_markup == markup
    assert message.from_user.username == "hirebot_test_bot" and message.chat.id == ana.id
    sent = fake.sent[-1]
    assert sent.text == html and sent.parse_mode == "HTML"
    assert sent.plain_text == message.text
    assert sent.buttons == [("Salary", "topic:salary"), ("Apply", None)]


async def test_message_ids_count_per_chat_across_both_directions(bot: Bot, fake: FakeBotApi):
    ana, bo = fake.user(), fake.user(first_name="Bo")
    first = ana.send("hi")
    reply = await bot.send_message(
        ana.id, "hello", reply_parameters=ReplyParameters(first["message_id"])
    )
    other = await bot.send_message(bo.id, "hello")
    assert (first["message_id"], reply.message_id, other.message_id) == (1, 2, 1)
    assert reply.reply_to_message.text == "hi"
    assert fake.sent[0].reply_to_message_id == first["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ana.id, "x", reply_parameters=ReplyParameters(99))


async def test_visible_text_limit_is_4096_after_html_parsing(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ana.id, "a" * 4097)
    # Tags do not count and "&lt;" is one character: 4096 visible, over 10,000 sent.
    html = "<b>" + "&lt;" * 2048 + "</b><i>" + "x" * 2048 + "</i>"
    message = await bot.send_message(ana.id, html, parse_mode="HTML")
    assert len(message.text) == 4096 and len(html) > 10_000
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ana.id, html + "!", parse_mode="HTML")
    assert len(fake.sent) == 1


async def test_surrounding_whitespace_is_trimmed_with_the_entities(bot: Bot, fake: FakeBotApi):
    message = await bot.send_message(fake.user().id, " \n<b> Hi</b>  ", parse_mode="HTML")
    assert message.text == "Hi" and message.text_html == "<b>Hi</b>"


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>"])
async def test_empty_visible_text_is_refused(bot: Bot, fake: FakeBotApi, text: str):
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(fake.user().id, text, parse_mode="HTML")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("salary < 50k", 'Unsupported start tag "" at byte offset 7'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("</b>", "Unexpected end tag"),
        ('<span class="x">s</span>', 'must have class "tg-spoiler"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
    ],
)
async def test_invalid_html_cannot_be_parsed(bot: Bot, fake: FakeBotApi, html: str, reason: str):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
        await bot.send_message(fake.user().id, html, parse_mode="HTML")
    # PTB drops "Bad Request: " and lower-cases the rest behind a capital letter.
    assert reason.lower() in caught.value.message.lower()


async def test_all_telegram_tags_parse(bot: Bot, fake: FakeBotApi):
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><code>c</code><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><blockquote>z</blockquote>'
        '<pre><code class="language-python">x = 1</code></pre>'
    )
    message = await bot.send_message(fake.user().id, html, parse_mode="HTML")
    assert message.text == "bsieunskdcpqzx = 1"
    pre = message.entities[-1]
    assert (pre.type, pre.language, pre.offset, pre.length) == ("pre", "python", 13, 5)


async def test_callback_data_is_limited_to_64_bytes_not_characters(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    await bot.send_message(ana.id, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ana.id, "no", reply_markup=keyboard("é" * 32 + "a"))  # 33 chars
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ana.id, "no", reply_markup=keyboard(""))
    assert [m.text for m in ana.replies] == ["ok"]


async def test_buttons_need_text_and_an_action(fake: FakeBotApi):
    url = f"{fake.base_url}{fake.token}/sendMessage"
    chat_id = fake.user().id
    async with httpx.AsyncClient() as client:
        for button, reason in [
            ({"callback_data": "x"}, 'Can\'t find field "text"'),
            ({"text": "", "callback_data": "x"}, "BUTTON_TEXT_INVALID"),
            ({"text": "Hi"}, "Text buttons are unallowed in the inline keyboard"),
        ]:
            markup = {"inline_keyboard": [[button]]}
            response = await client.post(
                url, json={"chat_id": chat_id, "text": "t", "reply_markup": markup}
            )
            assert response.status_code == 400
            assert reason in response.json()["description"]


async def test_unknown_chat_and_blocked_user(bot: Bot, fake: FakeBotApi):
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "anyone there?")
    ana = fake.user()
    ana.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ana.id, "hello?")
    ana.unblock()
    assert (await bot.send_message(ana.id, "welcome back")).text == "welcome back"


async def test_edits_keep_history_and_drop_an_omitted_keyboard(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    message = await bot.send_message(ana.id, "Was this helpful?", reply_markup=keyboard("vote:yes"))
    edited = await bot.edit_message_text("Thanks!", chat_id=ana.id, message_id=message.message_id)
    assert edited.text == "Thanks!" and edited.reply_markup is None and edited.edit_date
    sent = fake.sent[0]
    assert (sent.text, sent.buttons, sent.edited_at is not None) == ("Thanks!", [], True)
    assert [v.text for v in sent.history] == ["Was this helpful?"]
    assert ana.replies == [sent]  # an edit is not a new message
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Thanks!", chat_id=ana.id, message_id=message.message_id)
    with_keyboard = await bot.edit_message_reply_markup(
        ana.id, message.message_id, reply_markup=keyboard("x:1")
    )
    assert with_keyboard.reply_markup == keyboard("x:1") and sent.buttons == [("b0", "x:1")]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("?", chat_id=ana.id, message_id=999)
    assert await bot.delete_message(ana.id, message.message_id) and sent.deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ana.id, message.message_id)


async def test_chat_action_menu_button_close_and_log_out(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    assert await bot.send_chat_action(ana.id, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(ana.id, "dancing")
    assert await bot.set_chat_menu_button()
    assert fake.menu_buttons == {None: None}
    assert await bot.log_out() and await bot.close()
    assert [c.method for c in fake.calls[-2:]] == ["logOut", "close"]


async def test_commands_are_recorded_per_scope_and_language(bot: Bot, fake: FakeBotApi):
    recruiters = fake.group()
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Démarrer")], language_code="fr")
    await bot.set_my_commands(
        [BotCommand("queue", "Open questions")], scope=BotCommandScopeChat(recruiters.id)
    )
    assert fake.commands == {
        ("default", ""): [
            {"command": "start", "description": "Start"},
            {"command": "help", "description": "Help"},
        ],
        ("default", "fr"): [{"command": "start", "description": "Démarrer"}],
        (recruiters.id, ""): [{"command": "queue", "description": "Open questions"}],
    }
    assert [c.description for c in await bot.get_my_commands(language_code="fr")] == ["Démarrer"]
    assert await bot.delete_my_commands(language_code="fr")
    assert ("default", "fr") not in fake.commands and await bot.get_my_commands(
        language_code="fr"
    ) == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start-Now", "Upper case and a dash")])


# Failure injection.


async def test_injected_429_raises_retry_after(
    bot: Bot, fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
):
    ana = fake.user()
    fake.fail_next(2, retry_after=1)
    with pytest.warns(PTBDeprecationWarning), pytest.raises(RetryAfter) as caught:
        await bot.send_message(ana.id, "first")
    # PTB 22 gives an int with a deprecation warning, or a timedelta with PTB_TIMEDELTA=true.
    with pytest.warns(PTBDeprecationWarning):
        assert caught.value.retry_after == 1
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ana.id, "second")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert (await bot.send_message(ana.id, "third")).text == "third"
    assert fake.injected == 2 and [m.text for m in ana.replies] == ["third"]
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 429, 200]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequest),
        (403, Forbidden),
        (409, Conflict),
        (500, NetworkError),
        (502, NetworkError),
    ],
)
async def test_injected_statuses_map_to_ptb_errors(
    bot: Bot, fake: FakeBotApi, status: int, error: type[TelegramError]
):
    fake.fail_next(method=None, status=status)
    with pytest.raises(error) as caught:
        await bot.get_me()
    assert type(caught.value) is error


async def test_outage_fails_every_call_until_turned_off(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    ana.send("during the outage")
    with fake.fail_while(502):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_updates()
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(ana.id, "lost")
    assert fake.injected == 2 and fake.delivered_update_ids == set()
    assert [u.message.text for u in await bot.get_updates()] == ["during the outage"]
    fake.fail_on(503, method="sendMessage", description="Service Unavailable: try later")
    assert await bot.get_me()
    with pytest.raises(NetworkError, match="try later"):
        await bot.send_message(ana.id, "lost")
    fake.fail_off()
    assert (await bot.send_message(ana.id, "back")).text == "back"


# Observing the bot.


async def test_next_reply_returns_each_message_once_in_order(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    for text in ("one", "two"):
        await bot.send_message(ana.id, text)
    assert [(await ana.next_reply()).text for _ in range(2)] == ["one", "two"]
    waiting = asyncio.create_task(ana.next_reply())
    await bot.send_message(ana.id, "three")
    assert (await asyncio.wait_for(waiting, 5)).text == "three"


async def test_waiting_in_vain_names_what_arrived_and_the_api_errors(bot: Bot, fake: FakeBotApi):
    ana = fake.user(first_name="Ana")
    await bot.send_message(ana.id, "only one")
    with pytest.raises(BadRequest):
        await bot.send_message(ana.id, "<br>", parse_mode="HTML")
    with pytest.raises(AssertionError) as caught:
        await fake.wait_for_messages(ana.id, 2, timeout=0.2)
    report = str(caught.value)
    assert "1 arrived: ['only one']" in report and "'Ana'" in report
    assert "sendMessage -> 400 Bad Request: can't parse entities" in report
    with pytest.raises(AssertionError, match="condition not met"):
        await fake.wait_for(lambda: fake.answered_callbacks, timeout=0.1)


async def test_calls_are_recorded_in_order_with_timestamps(bot: Bot, fake: FakeBotApi):
    ana = fake.user()
    await bot.send_message(ana.id, "a")
    await bot.send_chat_action(ana.id, "typing")
    methods = [c.method for c in fake.calls]
    assert methods == ["getMe", "sendMessage", "sendChatAction"]
    assert [c.at for c in fake.calls] == sorted(c.at for c in fake.calls)
    assert fake.calls_to("sendMessage")[0].params == {"chat_id": ana.id, "text": "a"}
    assert isinstance(fake.sent[0], SentMessage) and fake.messages_to(ana.id) == fake.sent


async def test_three_hundred_users_at_once(fake: FakeBotApi):
    """1,500 messages from 300 users: every one is delivered, confirmed and answered."""
    users = [fake.user(first_name=f"U{i}") for i in range(300)]
    started = time.perf_counter()

    async def echo_bot(bot: Bot) -> None:
        offset = 0
        answered = 0
        while answered < 1500:
            updates = await bot.get_updates(offset=offset, timeout=5)
            await asyncio.gather(
                *(bot.send_message(u.message.chat_id, f"re: {u.message.text}") for u in updates)
            )
            answered += len(updates)
            offset = updates[-1].update_id + 1 if updates else offset
        await bot.get_updates(offset=offset)

    async with Bot(fake.token, base_url=fake.base_url) as bot:
        responder = asyncio.create_task(echo_bot(bot))
        for n in range(5):
            for user in users:
                user.send(f"q{n}")
        replies = await asyncio.gather(
            *(fake.wait_for_messages(u.id, 5, timeout=60) for u in users)
        )
        await asyncio.wait_for(responder, 10)
    elapsed = time.perf_counter() - started
    assert all([m.text for m in r] == [f"re: q{n}" for n in range(5)] for r in replies)
    assert len(fake.delivered_update_ids) == len(fake.confirmed_update_ids) == 1500
    # The fake's own work stays a small share: PTB and HTTP take the rest.
    handling = sum(c.answered_at - c.at for c in fake.calls_to("sendMessage"))
    assert handling < 0.1 * elapsed, f"the fake spent {handling:.2f} s of {elapsed:.2f} s"
    assert elapsed < 60


async def test_a_cancelled_long_poll_delivers_nothing(bot: Bot, fake: FakeBotApi):
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await fake.wait_for(lambda: fake.polling)
    poll.cancel()
    # The fake notices the closed connection and forgets the poll...
    await fake.wait_for(lambda: not fake.polling)
    fake.user().send("hello")
    # ...so the update waits for the next poll instead of going to a dead one.
    assert fake.pending_updates == 1 and not fake.delivered_update_ids
    assert [u.message.text for u in await bot.get_updates()] == ["hello"]


# A whole PTB Application, as the bot's end-to-end tests will run it.


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with a keyboard."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Salary?", callback_data="topic:salary")]])
    name = html.escape(update.effective_user.first_name)
    await update.effective_message.reply_html(f"Hi <b>{name}</b>!", reply_markup=markup)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the query, then reply."""
    await update.callback_query.answer()
    await update.effective_message.reply_text(f"You asked about {update.callback_query.data}")


async def test_a_ptb_application_polls_replies_and_retries_after_429(fake: FakeBotApi):
    application = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .build()
    )
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CallbackQueryHandler(on_button))
    ana = fake.user(first_name="Ana <3")
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0)
        fake.fail_next(1, retry_after=1)  # AIORateLimiter waits retry_after, then resends
        ana.send("/start")
        greeting = await ana.next_reply()
        assert greeting.text == "Hi <b>Ana &lt;3</b>!" and greeting.plain_text == "Hi Ana <3!"
        ana.press(greeting, "topic:salary")
        assert (await ana.next_reply()).text == "You asked about topic:salary"
        await fake.wait_for(lambda: fake.answered_callbacks)
        await application.updater.stop()
        await application.stop()
    assert fake.injected == 1
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 200, 200]
    # The updater's last getUpdates confirmed both updates on the way out.
    assert fake.pending_updates == 0 and len(fake.confirmed_update_ids) == 2
    assert all(c.status in (200, 429) for c in fake.calls if c.status is not None)

"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

`FakeBotApi` serves the Bot API over real HTTP on 127.0.0.1, inside the caller's event loop, so
python-telegram-bot talks to it exactly as it talks to api.telegram.org:

    async with FakeBotApi() as fake:
        application = Application.builder().token(fake.token).base_url(fake.base_url).build()
        ana = fake.user(first_name="Ana")
        ana.send("/start")
        reply = await ana.next_reply()

It enforces the limits that bite in production (1..4096 characters of visible text, 1..64
bytes of callback_data, known chats, blocked users), injects Telegram-shaped failures (429 with
retry_after, 5xx) on request, and records every call and every message the bot sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes import bot_api_rules as rules
from tests.fakes.bot_api_rules import BOT_USERNAME, ApiError, JSONDict
from tests.fakes.chats import FakeGroup, FakeUser

__all__ = ["BOT_USERNAME", "Call", "FakeBotApi", "FakeGroup", "FakeUser", "SentMessage"]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-secret-token-do-not-log"
T = TypeVar("T")

# Without allowed_updates, Telegram sends every update type except these.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


@dataclass(slots=True, eq=False)
class Call:
    """One Bot API request: `at` when it arrived, `answered_at` when its response was ready.

    status and answered_at are None while a long poll waits.
    """

    method: str
    params: JSONDict
    at: float
    status: int | None = None
    answered_at: float | None = None
    description: str | None = None
    injected: bool = False


@dataclass(frozen=True, slots=True)
class MessageVersion:
    """An earlier version of a bot message, kept when the bot edits it."""

    text: str
    parse_mode: str | None
    reply_markup: JSONDict | None
    at: float


@dataclass(slots=True, eq=False)
class SentMessage:
    """A message the bot sent; edits update it in place and push the old version to history.

    `text` is what the bot sent (HTML markup included); `plain_text` is what the user sees.
    `message` is the Message dict Telegram returned, as it stands now.
    """

    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None
    reply_markup: JSONDict | None
    reply_to_message_id: int | None
    at: float
    message: JSONDict
    history: list[MessageVersion] = field(default_factory=list)
    edited_at: float | None = None
    deleted: bool = False

    @property
    def plain_text(self) -> str:
        return str(self.message.get("text", ""))

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Every keyboard button as (text, callback_data), row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [
            (button, None)
            if isinstance(button, str)
            else (button["text"], button.get("callback_data"))
            for row in rows
            for button in row
        ]


@dataclass(slots=True)
class _Failure:
    status: int
    method: str | None
    retry_after: int | None
    description: str | None
    remaining: int | None  # None: until fail_off()

    def matches(self, method: str) -> bool:
        return self.method is None or self.method.lower() == method.lower()

    def error(self) -> ApiError:
        return rules.injected_error(self.status, self.retry_after, self.description)


class _Signal:
    """Wakes every coroutine waiting for the next change of some state."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_until(self, predicate: Callable[[], T], timeout: float) -> T:
        """The predicate's first truthy value; its last value when the timeout passes first."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not (value := predicate()):
                    waiter = loop.create_future()
                    self._waiters.append(waiter)
                    await waiter
                return value
        return predicate()


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers, so Ctrl-C still stops pytest, not just the fake."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class FakeBotApi:
    """A Bot API server on 127.0.0.1:<free port>; use `async with FakeBotApi() as fake:`."""

    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "HireBot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.port = 0
        # Observations for tests and the benchmark.
        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.commands: dict[tuple[str | int, str], list[JSONDict]] = {}
        self.answered_callbacks: list[JSONDict] = []
        self.menu_buttons: dict[int | None, JSONDict | None] = {}
        self.webhook: JSONDict | None = None
        self.injected = 0
        self.update_available_at: dict[int, float] = {}
        self.update_delivered_at: dict[int, float] = {}
        self.delivered_update_ids: set[int] = set()
        self.confirmed_update_ids: set[int] = set()
        # State.
        self._calls_by_method: defaultdict[str, list[Call]] = defaultdict(list)
        self._sent_by_chat: defaultdict[int, list[SentMessage]] = defaultdict(list)
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._chats: dict[int, FakeUser | FakeGroup] = {}
        self._channels: dict[str, FakeGroup] = {}
        self._user_ids = itertools.count(100_001)
        self._group_ids = {
            "supergroup": itertools.count(-1_001_000_000_001, -1),
            "group": itertools.count(-4_000_000_001, -1),
            "channel": itertools.count(-1_002_000_000_001, -1),
        }
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_001)
        self._open_callbacks: set[str] = set()
        self._updates: deque[JSONDict] = deque()
        self._update_ids = itertools.count(700_000_001)
        self._allowed_updates: frozenset[str] | None = None
        self._poller: asyncio.Future[str] | None = None
        self._failures: list[_Failure] = []
        self._changed = _Signal()
        self._chat_changed: defaultdict[int, _Signal] = defaultdict(_Signal)
        self._closing = False
        self._server: _QuietServer | None = None
        self._serve_task: asyncio.Task[None] | None = None
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda params: True,
            "logOut": lambda params: True,
        }
        # Telegram matches method names case-insensitively.
        self._method_names = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # Lifecycle.

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For `Bot(token, base_url=...)`: PTB appends the token and the method."""
        return f"{self.url}/bot"

    async def start(self, timeout: float = 5.0) -> None:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"]),
                Route("/{path:path}", _not_found, methods=["GET", "POST"]),
            ]
        )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.bind(("127.0.0.1", 0))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", access_log=False, timeout_graceful_shutdown=2
        )
        self._server = _QuietServer(config)
        self._serve_task = asyncio.create_task(self._server.serve(sockets=[sock]))
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._serve_task.done():
                await self._serve_task  # raises what stopped uvicorn
                raise RuntimeError("the fake Bot API server stopped while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the fake Bot API did not start within {timeout} s")
            await asyncio.sleep(0.005)
        log.debug("fake bot api started port=%s", self.port)

    async def stop(self) -> None:
        """Stop serving; a pending long poll returns at once with no updates."""
        self._closing = True
        self._wake_poller("closing")
        if self._server is None or self._serve_task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._serve_task), timeout=5)
        except TimeoutError:
            self._serve_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._serve_task

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # Playing users and chats.

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Ana",
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """A new user with a private chat to the bot (chat id == user id)."""
        user_id = next(self._user_ids) if user_id is None else user_id
        if user_id in self._chats:
            raise ValueError(f"chat {user_id} already exists")
        user = FakeUser(self, user_id, first_name, language_code, username, last_name)
        self._chats[user_id] = user
        return user

    def group(
        self, chat_id: int | None = None, title: str = "Recruiters", type: str = "supergroup"
    ) -> FakeGroup:
        """A new group ("group" or "supergroup") the bot is a member of."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"a group's type is 'group' or 'supergroup', not {type!r}")
        chat_id = next(self._group_ids[type]) if chat_id is None else chat_id
        if chat_id in self._chats:
            raise ValueError(f"chat {chat_id} already exists")
        group = FakeGroup(self, chat_id, title, type)
        self._chats[chat_id] = group
        return group

    def channel_post(self, chat_title: str, text: str) -> JSONDict:
        """A post in a channel (created on first use) the bot is in; returns the Message dict."""
        channel = self._channels.get(chat_title)
        if channel is None:
            channel = FakeGroup(self, next(self._group_ids["channel"]), chat_title, "channel")
            self._channels[chat_title] = channel
            self._chats[channel.id] = channel
        chat = channel.chat_dict()
        message = self.new_message(chat, None, {"sender_chat": chat, "text": text}, None)
        self.push_update({"channel_post": message})
        return message

    def push_update(self, update: JSONDict) -> int:
        """Queue an update for getUpdates (any update_id given is replaced); returns its id."""
        update_id = next(self._update_ids)
        self._updates.append({**update, "update_id": update_id})
        self.update_available_at[update_id] = time.perf_counter()
        self._wake_poller("update")
        self._changed.notify()
        return update_id

    @property
    def polling(self) -> bool:
        """Whether a getUpdates long poll is waiting for an update."""
        return self._poller is not None and not self._poller.done()

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    # Failure injection.

    def fail_next(
        self,
        count: int = 1,
        *,
        method: str | None = "sendMessage",
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `count` calls of `method` (None: any method) fail Telegram-style."""
        self._failures.append(_Failure(status, method, retry_after, description, count))

    def fail_on(
        self,
        status: int = 502,
        *,
        method: str | None = None,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Every call of `method` (None: any, getUpdates included) fails until fail_off()."""
        self._failures.append(_Failure(status, method, retry_after, description, None))

    def fail_off(self) -> None:
        """End every fail_on(); pending fail_next() counts stay."""
        self._failures = [f for f in self._failures if f.remaining is not None]

    @contextlib.contextmanager
    def fail_while(
        self,
        status: int = 502,
        *,
        method: str | None = None,
        retry_after: int = 1,
        description: str | None = None,
    ) -> Iterator[None]:
        """fail_on() for the duration of a with block."""
        self.fail_on(status, method=method, retry_after=retry_after, description=description)
        try:
            yield
        finally:
            self.fail_off()

    def _injected_failure(self, method: str) -> ApiError | None:
        for failure in self._failures:
            if failure.matches(method):
                if failure.remaining is not None:
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                self.injected += 1
                return failure.error()
        return None

    # Observing the bot.

    def calls_to(self, method: str) -> list[Call]:
        return list(self._calls_by_method.get(method, ()))

    @property
    def errors(self) -> list[Call]:
        """Calls answered with an error, injected ones included."""
        return [call for call in self.calls if call.status is not None and call.status >= 400]

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return list(self._sent_by_chat.get(chat_id, ()))

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Every message sent to the chat, once there are at least `count` of them."""
        messages = self._sent_by_chat[chat_id]
        ready = await self._chat_changed[chat_id].wait_until(
            lambda: len(messages) >= count, timeout
        )
        if not ready:
            arrived = [_preview(m.plain_text) for m in messages]
            raise AssertionError(
                f"expected {count} message(s) to chat {self._describe_chat(chat_id)} within "
                f"{timeout} s; {len(arrived)} arrived: {arrived}{self._recent_errors()}"
            )
        return list(messages)

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait until predicate() is truthy (checked after every call and update); returns it."""
        value = await self._changed.wait_until(predicate, timeout)
        if not value:
            raise AssertionError(f"condition not met within {timeout} s{self._recent_errors()}")
        return value

    def _describe_chat(self, chat_id: int) -> str:
        chat = self._chats.get(chat_id)
        return f"{chat_id} ({chat!r})" if chat else str(chat_id)

    def _recent_errors(self, limit: int = 5) -> str:
        errors = self.errors[-limit:]
        if not errors:
            return ""
        lines = "; ".join(f"{c.method} -> {c.status} {c.description}" for c in errors)
        return f"; recent Bot API errors: {lines}"

    # HTTP.

    async def _handle(self, request: Request) -> JSONResponse:
        at = time.perf_counter()
        name = request.path_params["method"]
        method = self._method_names.get(name.lower(), name)
        try:
            params = await rules.read_params(request)
        except ApiError as err:
            params, parse_error = {}, err
        else:
            parse_error = None
        call = Call(method, params, at)
        self.calls.append(call)
        self._calls_by_method[method].append(call)
        self._changed.notify()
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method not in self._method_names.values():
                raise ApiError(404, "Not Found: method not found")
            if parse_error is not None:
                raise parse_error
            if injected := self._injected_failure(method):
                call.injected = True
                raise injected
            if method == "getUpdates":
                result = await self._get_updates(params, request)
            else:
                result = self._handlers[method](params)
            call.status = 200
            body: JSONDict = {"ok": True, "result": result}
        except ApiError as err:
            call.status, call.description = err.status, err.description
            body = err.body()
        except Exception as err:
            # A bug in the fake: say so loudly rather than pass for a Telegram outage.
            log.exception("fake bot api failed method=%s", method)
            call.status, call.description = 500, f"fake Bot API bug: {err!r}"
            body = {"ok": False, "error_code": 500, "description": call.description}
        call.answered_at = time.perf_counter()
        self._changed.notify()
        return JSONResponse(body, status_code=call.status)

    # getUpdates.

    async def _get_updates(self, params: JSONDict, request: Request) -> list[JSONDict]:
        if self.webhook is not None:
            raise rules.webhook_conflict()
        offset = rules.int_param(params, "offset", default=0)
        limit = min(max(rules.int_param(params, "limit", default=100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self._confirm(offset)
        self._wake_poller("conflict")
        updates = self._take(limit)
        if updates or timeout <= 0 or self._closing:
            return self._deliver(updates)
        poller = asyncio.get_running_loop().create_future()
        self._poller = poller
        self._changed.notify()  # `polling` turned true
        # A client that gives up (PTB cancelling its poll) must not count as a delivery.
        disconnected = asyncio.ensure_future(request.receive())
        try:
            await asyncio.wait(
                {poller, disconnected}, timeout=timeout, return_when="FIRST_COMPLETED"
            )
        finally:
            disconnected.cancel()
            if self._poller is poller:
                self._poller = None
        reason = poller.result() if poller.done() else "timeout"
        if reason == "webhook":
            raise rules.webhook_conflict()
        if reason == "conflict":
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if reason == "closing" or (disconnected.done() and not disconnected.cancelled()):
            return []
        return self._deliver(self._take(limit))

    def _wake_poller(self, reason: str) -> None:
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(reason)

    def _set_allowed_updates(self, allowed: object) -> None:
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise rules.bad_request("can't parse allowed updates")
        self._allowed_updates = frozenset(allowed) if allowed else None

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self.confirmed_update_ids.add(self._updates.popleft()["update_id"])
        elif offset < 0:
            while len(self._updates) > -offset:
                self.confirmed_update_ids.add(self._updates.popleft()["update_id"])

    def _take(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        if allowed is None:
            wanted = (u for u in self._updates if _update_type(u) not in _OPT_IN_UPDATES)
        else:
            wanted = (u for u in self._updates if _update_type(u) in allowed)
        return list(itertools.islice(wanted, limit))

    def _deliver(self, updates: list[JSONDict]) -> list[JSONDict]:
        now = time.perf_counter()
        for update in updates:
            self.delivered_update_ids.add(update["update_id"])
            self.update_delivered_at.setdefault(update["update_id"], now)
        return updates

    # Messages.

    def _chat(self, params: JSONDict) -> FakeUser | FakeGroup:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise rules.bad_request("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise rules.bad_request("chat not found")
        if isinstance(chat, FakeUser) and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def new_message(
        self,
        chat: JSONDict,
        sender: JSONDict | None,
        content: JSONDict,
        reply_to: JSONDict | SentMessage | None,
    ) -> JSONDict:
        """Store a message from a user or channel (next message_id of the chat); no update."""
        message: JSONDict = {
            "message_id": next(self._message_ids[chat["id"]]),
            "date": int(time.time()),
            "chat": chat,
        }
        if sender is not None:
            message["from"] = sender
        if reply_to is not None:
            original = reply_to.message if isinstance(reply_to, SentMessage) else reply_to
            assert original["chat"]["id"] == chat["id"], "a reply must be in the same chat"
            message["reply_to_message"] = {
                k: v for k, v in original.items() if k != "reply_to_message"
            }
        message.update(content)
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def new_file(self) -> JSONDict:
        """A fresh file_id and file_unique_id pair for a user's media."""
        n = next(self._file_ids)
        return {"file_id": f"AgACAgIAAxkBAAI{n:08d}fake", "file_unique_id": f"AQAD{n:06d}"}

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        text, parse_mode = params.get("text"), params.get("parse_mode")
        plain, entities = rules.visible_text(text, parse_mode)
        markup = rules.reply_markup(params.get("reply_markup"))
        reply_to_id = rules.reply_to_message_id(params)
        reply_to = None
        if reply_to_id is not None:
            reply_to = self._messages.get((chat.id, reply_to_id))
            if reply_to is None and not rules.allows_missing_reply(params):
                raise rules.bad_request("message to be replied not found")
            if reply_to is None:
                reply_to_id = None
        content = _message_content(plain, entities, markup)
        message = self.new_message(chat.chat_dict(), self.bot_user, content, reply_to)
        sent = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            text=str(text),
            parse_mode=parse_mode,
            reply_markup=markup,
            reply_to_message_id=reply_to_id,
            at=time.perf_counter(),
            message=message,
        )
        self.sent.append(sent)
        self._sent_by_chat[chat.id].append(sent)
        self._sent_index[(chat.id, sent.message_id)] = sent
        self._chat_changed[chat.id].notify()
        return message

    def _editable(self, params: JSONDict) -> SentMessage:
        if params.get("inline_message_id"):
            raise rules.bad_request("the fake Bot API does not support inline messages")
        chat = self._chat(params)
        message_id = rules.int_param(params, "message_id")
        key = (chat.id, message_id)
        sent = self._sent_index.get(key)
        if sent is None or sent.deleted:
            if key in self._messages:
                raise rules.bad_request("message can't be edited")
            raise rules.bad_request("message to edit not found")
        return sent

    def _edit(
        self, sent: SentMessage, text: str, parse_mode: str | None, markup: JSONDict | None
    ) -> JSONDict:
        plain, entities = rules.visible_text(text, parse_mode)
        content = _message_content(plain, entities, markup)
        current = {k: sent.message.get(k) for k in ("text", "entities", "reply_markup")}
        if current == {k: content.get(k) for k in current}:
            raise rules.bad_request(_NOT_MODIFIED)
        version_at = sent.edited_at or sent.at
        sent.history.append(
            MessageVersion(sent.text, sent.parse_mode, sent.reply_markup, version_at)
        )
        base = {k: v for k, v in sent.message.items() if k not in ("entities", "reply_markup")}
        sent.message = {**base, **content, "edit_date": int(time.time())}
        sent.text, sent.parse_mode, sent.reply_markup = text, parse_mode, markup
        sent.edited_at = time.perf_counter()
        self._messages[(sent.chat_id, sent.message_id)] = sent.message
        self._chat_changed[sent.chat_id].notify()
        return sent.message

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        sent = self._editable(params)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup = rules.reply_markup(params.get("reply_markup"))
        return self._edit(sent, params.get("text"), params.get("parse_mode"), markup)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        sent = self._editable(params)
        markup = rules.reply_markup(params.get("reply_markup"))
        return self._edit(sent, sent.text, sent.parse_mode, markup)

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        key = (chat.id, rules.int_param(params, "message_id"))
        if key not in self._messages:
            raise rules.bad_request("message to delete not found")
        del self._messages[key]
        if sent := self._sent_index.get(key):
            sent.deleted = True
            self._chat_changed[chat.id].notify()
        return True

    def store_edit(self, message: JSONDict) -> None:
        """Replace a stored user message by its edited version."""
        self._messages[(message["chat"]["id"], message["message_id"])] = message

    def press(self, user: FakeUser, message: SentMessage | JSONDict, data: str) -> JSONDict:
        """`user` presses the button with `data` on a bot message: a callback_query update."""
        if isinstance(message, SentMessage):
            key = (message.chat_id, message.message_id)
        else:
            key = (message["chat"]["id"], message["message_id"])
        sent = self._sent_index.get(key)
        assert sent is not None and not sent.deleted, f"no bot message {key} to press a button on"
        datas = [d for _, d in sent.buttons if d is not None]
        assert data in datas, f"message {key} has no button with callback_data {data!r}: {datas}"
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": user.user_dict(),
            "chat_instance": str(abs(sent.chat_id) * 7 + self.bot_id),
            "message": sent.message,
            "data": data,
        }
        self.push_update({"callback_query": query})
        return query

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_callbacks:
            raise rules.bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text") or ""
        if len(text) > rules.MAX_CALLBACK_ANSWER_LENGTH:
            raise rules.bad_request("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.answered_callbacks.append({**params, "at": time.perf_counter()})
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        rules.check_chat_action(params.get("action"))
        return True

    # Bot settings.

    def _get_me(self, params: JSONDict) -> JSONDict:
        return self.bot_user

    def _commands_key(self, params: JSONDict) -> tuple[str | int, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise rules.bad_request("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or ""
        rules.check_language_code(language)
        if scope["type"] == "chat":
            return scope["chat_id"], language
        if "chat_id" in scope:
            return f"{scope['type']}:{scope['chat_id']}", language
        return scope["type"], language

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = rules.check_commands(params.get("commands"))
        key = self._commands_key(params)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_chat_menu_button(self, params: JSONDict) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._chat(params)
        self.menu_buttons[chat_id] = params.get("menu_button")
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._delete_webhook(params)
        secret = params.get("secret_token")
        rules.check_webhook(url, secret)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._set_allowed_updates(params.get("allowed_updates"))
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
            "drop_pending_updates": bool(params.get("drop_pending_updates")),
            "max_connections": params.get("max_connections", 40),
        }
        # getUpdates and a webhook exclude each other: a waiting poll ends with 409.
        self._wake_poller("webhook")
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"]:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info


def _message_content(plain: str, entities: list[JSONDict], markup: JSONDict | None) -> JSONDict:
    content: JSONDict = {"text": plain}
    if entities:
        content["entities"] = entities
    # Only an inline keyboard belongs to the message; reply keyboards live in the client.
    if markup and "inline_keyboard" in markup:
        content["reply_markup"] = markup
    return content


def _update_type(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def _preview(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


async def _not_found(request: Request) -> JSONResponse:
    return JSONResponse(ApiError(404, "Not Found").body(), status_code=404)

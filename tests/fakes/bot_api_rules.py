"""What the Bot API accepts: request decoding, Telegram's limits and its error responses.

The error descriptions are Telegram's own where they are well known (those a bot meets in
production); the rarer ones are the fake's wording, in Telegram's style.
"""

from __future__ import annotations

import itertools
import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request

from tests.fakes.telegram_html import HtmlEntityError, parse_html, strip_text, utf16_len

JSONDict = dict[str, Any]

BOT_USERNAME = "hirebot_test_bot"
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

# PTB form-encodes every parameter, JSON-encoding all but strings. These stay strings even when
# they look like JSON ("123", "true"); every other value is JSON-decoded when it parses.
_STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_message_id",
        "action",
        "language_code",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "query",
    ]
)
_JSON_PARAMS = frozenset(
    [
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "menu_button",
    ]
)
_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})


class ApiError(Exception):
    """A Telegram error response: HTTP status == error_code, as the real server does."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def injected_error(status: int, retry_after: int | None, description: str | None) -> ApiError:
    """A failure as Telegram words it; only a 429 carries retry_after."""
    retry_after = retry_after if status == 429 else None
    if description is None:
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after}"
        else:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
    return ApiError(status, description, retry_after)


def webhook_conflict() -> ApiError:
    return ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


async def read_params(request: Request) -> JSONDict:
    """Query string, then a form-encoded (what PTB sends) or JSON body."""
    params = {key: _form_value(key, value) for key, value in request.query_params.items()}
    body = await request.body()
    if not body:
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(data, dict):
            raise bad_request("the JSON body must be an object")
        for key, value in data.items():
            # Telegram accepts JSON objects as JSON-encoded strings here too.
            params[key] = _form_value(key, value) if key in _JSON_PARAMS else value
    elif content_type == "multipart/form-data":
        raise bad_request("the fake Bot API does not accept file uploads (multipart/form-data)")
    else:
        form = parse_qs(body.decode(), keep_blank_values=True)
        params.update({key: _form_value(key, values[-1]) for key, values in form.items()})
    return params


def _form_value(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        if key in _JSON_PARAMS:
            raise bad_request(f"can't parse {key} JSON object") from None
        return value


def int_param(params: JSONDict, key: str, *, default: int | None = None) -> int:
    value = params.get(key)
    if value is None or value == "":
        if default is None:
            raise bad_request(f"{key} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def visible_text(text: object, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """The text as the user sees it and its entities, checked against the 1..4096 limit."""
    if not isinstance(text, str):
        raise bad_request("message text is empty")
    if parse_mode in (None, ""):
        plain, entities = text, []
    elif parse_mode.upper() == "HTML":
        try:
            plain, entities = parse_html(text)
        except HtmlEntityError as err:
            raise bad_request(f"can't parse entities: {err}") from None
    elif parse_mode.lower() in ("markdown", "markdownv2"):
        raise bad_request(f"the fake Bot API only parses HTML, not {parse_mode}")
    else:
        raise bad_request("unsupported parse_mode")
    plain, entities = strip_text(plain, entities)
    if not plain:
        raise bad_request("message text is empty")
    # Telegram counts UTF-16 code units; for text without emoji that is characters.
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, entities


def reply_to_message_id(params: JSONDict) -> int | None:
    """PTB 22 sends reply_parameters; older clients send reply_to_message_id."""
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return int_param(reply, "message_id")
    if params.get("reply_to_message_id") is not None:
        return int_param(params, "reply_to_message_id")
    return None


def allows_missing_reply(params: JSONDict) -> bool:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("allow_sending_without_reply"):
        return True
    return bool(params.get("allow_sending_without_reply"))


def reply_markup(markup: object) -> JSONDict | None:
    """Check a reply_markup as Telegram does; the 64-byte callback_data limit lives here."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards, ReplyKeyboardRemove, ForceReply: not checked
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for button in itertools.chain.from_iterable(rows):
        _check_inline_button(button)
    return markup


def _check_inline_button(button: object) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str) or not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode()) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("https://", "http://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")
    elif len(button) == 1:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")


def check_chat_action(action: object) -> None:
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")


def check_commands(commands: object) -> list[JSONDict]:
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(command.get("command", "")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command.get("description", "")) <= 256:
            raise bad_request("command description must be 1-256 characters")
    return commands


def check_language_code(language: str) -> None:
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")


def check_webhook(url: str, secret_token: object) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in _WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if secret_token is not None and not (
        isinstance(secret_token, str) and _SECRET_TOKEN.fullmatch(secret_token)
    ):
        raise bad_request("secret token contains unallowed characters")

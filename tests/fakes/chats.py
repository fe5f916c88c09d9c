"""The people and chats a test plays: users who message the bot, groups and channels.

A `FakeUser` builds the Message dicts Telegram would send for what the user does (texts with
command and mention entities, media, edits, button presses) and queues them as updates on the
`FakeBotApi` that created it.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from tests.fakes.bot_api_rules import BOT_USERNAME, JSONDict
from tests.fakes.telegram_html import utf16_len

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotApi, SentMessage


class FakeGroup:
    """A group, supergroup or channel the bot is in."""

    def __init__(self, fake: FakeBotApi, chat_id: int, title: str, chat_type: str) -> None:
        self._fake = fake
        self.id = chat_id
        self.title = title
        self.type = chat_type

    def chat_dict(self) -> JSONDict:
        return {"id": self.id, "type": self.type, "title": self.title}

    @property
    def messages(self) -> list[SentMessage]:
        """What the bot has sent to this chat."""
        return self._fake.messages_to(self.id)

    def __repr__(self) -> str:
        return f"FakeGroup(id={self.id}, title={self.title!r}, type={self.type!r})"


class FakeUser:
    """A Telegram user played by a test: sends messages, presses buttons, reads replies."""

    def __init__(
        self,
        fake: FakeBotApi,
        user_id: int,
        first_name: str,
        language_code: str | None,
        username: str | None,
        last_name: str | None,
    ) -> None:
        self._fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self._replies_read = 0

    @property
    def chat_id(self) -> int:
        """The private chat with the bot has the user's id."""
        return self.id

    def user_dict(self) -> JSONDict:
        user: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> JSONDict:
        chat: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def block(self) -> None:
        """From now on the bot gets 403 "bot was blocked by the user" for this chat."""
        self.blocked = True

    def unblock(self) -> None:
        self.blocked = False

    @property
    def replies(self) -> list[SentMessage]:
        """What the bot has sent to this user's private chat."""
        return self._fake.messages_to(self.id)

    async def next_reply(self, timeout: float = 10.0) -> SentMessage:
        """The next bot message in the private chat that next_reply has not returned yet."""
        index = self._replies_read
        messages = await self._fake.wait_for_messages(self.id, index + 1, timeout=timeout)
        self._replies_read += 1
        return messages[index]

    def send(
        self,
        text: str,
        *,
        chat: FakeGroup | None = None,
        reply_to: JSONDict | SentMessage | None = None,
        forward_from: FakeUser | None = None,
    ) -> JSONDict:
        """Send a text message (to the private chat unless `chat`); returns the Message dict."""
        content: JSONDict = {"text": text}
        entities = text_entities(text)
        if entities:
            content["entities"] = entities
        if forward_from is not None:
            content["forward_origin"] = {
                "type": "user",
                "date": int(time.time()) - 60,
                "sender_user": forward_from.user_dict(),
            }
        return self._send(content, chat=chat, reply_to=reply_to)

    def send_sticker(self, emoji: str = "👍", *, chat: FakeGroup | None = None) -> JSONDict:
        file = self._fake.new_file()
        sticker = {
            **file,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "HireBotTestStickers",
            "file_size": 24_576,
        }
        return self._send({"sticker": sticker}, chat=chat)

    def send_photo(self, caption: str | None = None, *, chat: FakeGroup | None = None) -> JSONDict:
        sizes = [(90, 68, 1_431), (320, 240, 15_874), (1280, 960, 121_337)]
        photo = [
            {**self._fake.new_file(), "width": w, "height": h, "file_size": size}
            for w, h, size in sizes
        ]
        content: JSONDict = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return self._send(content, chat=chat)

    def send_voice(self, duration: int = 3, *, chat: FakeGroup | None = None) -> JSONDict:
        voice = {
            **self._fake.new_file(),
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self._send({"voice": voice}, chat=chat)

    def send_document(
        self,
        file_name: str = "cv.pdf",
        mime_type: str = "application/pdf",
        *,
        caption: str | None = None,
        chat: FakeGroup | None = None,
    ) -> JSONDict:
        document = {
            **self._fake.new_file(),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 183_402,
        }
        content: JSONDict = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self._send(content, chat=chat)

    def send_location(
        self, latitude: float = 48.8566, longitude: float = 2.3522, *, chat: FakeGroup | None = None
    ) -> JSONDict:
        return self._send({"location": {"latitude": latitude, "longitude": longitude}}, chat=chat)

    def send_contact(
        self, phone_number: str = "+33612345678", *, chat: FakeGroup | None = None
    ) -> JSONDict:
        contact = {"phone_number": phone_number, "first_name": self.first_name, "user_id": self.id}
        return self._send({"contact": contact}, chat=chat)

    def edit(self, message: JSONDict, new_text: str) -> JSONDict:
        """Edit one of this user's text messages; pushes an edited_message update."""
        assert message.get("from", {}).get("id") == self.id, "a user can only edit their messages"
        edited: JSONDict = {**message, "text": new_text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if entities := text_entities(new_text):
            edited["entities"] = entities
        self._fake.store_edit(edited)
        self._fake.push_update({"edited_message": edited})
        return edited

    def press(self, message: SentMessage | JSONDict, callback_data: str) -> JSONDict:
        """Press an inline button of a bot message; returns the callback_query dict."""
        return self._fake.press(self, message, callback_data)

    def _send(
        self,
        content: JSONDict,
        *,
        chat: FakeGroup | None,
        reply_to: JSONDict | SentMessage | None = None,
    ) -> JSONDict:
        chat_dict = chat.chat_dict() if chat is not None else self.chat_dict()
        message = self._fake.new_message(chat_dict, self.user_dict(), content, reply_to)
        self._fake.push_update({"message": message})
        return message

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


def text_entities(text: str) -> list[JSONDict]:
    """The entities Telegram adds to a user's text that PTB relies on: commands and mentions."""
    entities: list[JSONDict] = []
    command_end = 0
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        command_end = len(command)
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
    mention = f"@{BOT_USERNAME}"
    for match in re.finditer(re.escape(mention) + r"(?!\w)", text):
        if match.start() >= command_end:
            offset = utf16_len(text[: match.start()])
            entities.append({"type": "mention", "offset": offset, "length": len(mention)})
    return entities

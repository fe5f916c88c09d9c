"""The terminal chat: the core over input() and print(). Works with piped stdin too."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable

from bot.core.conversation import Conversation, MenuKind, Say, Text
from bot.core.dialogue import Responder
from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase
from bot.core.vocabulary import Status
from bot.store.conversation import ConversationLog

QUIT_WORDS = frozenset({"quit", "exit", "q", "/quit", "/exit"})


class TerminalChat:
    """One conversation in a terminal, bound to one posting, logged if a log is given."""

    def __init__(
        self,
        responder: Responder,
        posting: str | None = None,
        log: ConversationLog | None = None,
        write: Callable[[str], None] = print,
        interactive: bool | None = None,
    ) -> None:
        # Nobody is on the line to take a hand-off, erasure is the operator's, and a
        # script piped in is not a flood.
        self.conversation = Conversation(
            responder,
            handoff=False,
            no_handoff="no_human_here",
            erasure=False,
            flood_messages=None,
        )
        self.state = self.conversation.start(posting)
        self._log = log
        self._write = write
        self._interactive = sys.stdin.isatty() if interactive is None else interactive

    async def run(self) -> None:
        """Chat until 'quit', end of input or cancellation."""
        self.handle("/start", logged=False)  # the greeting, as Telegram's /start gives it
        self._write(phrase("chat_help", self.state.lang))
        try:
            async for line in self._lines():
                if not self._interactive:
                    self._write(f"> {line}")
                if line.strip().casefold() in QUIT_WORDS:
                    break
                self.handle(line)
            self._write(phrase("goodbye", self.state.lang))
        finally:  # also when cancelled by SIGTERM
            if self._log:
                self._log.set_status(Status.CLOSED)

    async def _lines(self) -> AsyncIterator[str]:
        """The candidate's lines. stdin is read through the event loop, so that the
        transcript writer keeps working while the candidate types, and no thread is
        left blocked on stdin when a signal ends the chat."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        fd = sys.stdin.fileno()
        # The transport closes its pipe at end of input: give it a copy of stdin.
        pipe = os.fdopen(os.dup(fd), "rb", buffering=0)
        try:
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
        except ValueError:  # stdin is a regular file: reading it never blocks
            pipe.close()
            for line in sys.stdin:
                yield line.rstrip("\r\n")
            return
        try:
            while True:
                if self._interactive:
                    sys.stdout.write("> ")
                    sys.stdout.flush()
                raw = await reader.readline()
                if not raw:
                    return
                yield raw.decode("utf-8", "replace").rstrip("\r\n")
        finally:  # the pipe transport made stdin non-blocking; the shell expects it back
            os.set_blocking(fd, True)

    def handle(self, line: str, *, logged: bool = True) -> None:
        """React to one line typed by the candidate."""
        start = time.perf_counter()
        self.state, turn = self.conversation.step(self.state, Text(line, time.monotonic()))
        if self._log and logged:
            self._log.record(turn, 1000 * (time.perf_counter() - start))
        for say in turn.says:
            self._write(self._render(say))

    def _render(self, say: Say) -> str:
        """The message, with its menu as numbered lines or a hint."""
        lines = [say.text]
        menu, lang = say.menu, say.lang
        if menu is None:
            return say.text
        if menu.kind in (MenuKind.TOPICS, MenuKind.CHOICES):
            lines += [f"  {i}. {title}" for i, (_, title) in enumerate(menu.items, 1)]
            if menu.kind is MenuKind.CHOICES:
                lines.append(f"  0. {phrase('none_of_these', lang)}")
        elif menu.kind is MenuKind.LANGUAGES:
            lines.append("  " + " | ".join(f"/language {code}" for code in LANGUAGES))
        elif menu.more is not None:
            posting = self.conversation.responder.knowledge.posting(self.state.posting)
            title = posting.topic(menu.more[0]).text(lang).title
            lines.append(phrase("more_hint", lang, title=title))
        return "\n".join(lines)

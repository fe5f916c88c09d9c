"""The terminal chat: the core over input() and print(). Works with piped stdin too."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable

from bot.core.dialogue import Outcome, Reply, Responder
from bot.core.knowledge import LANGUAGES
from bot.core.phrases import phrase
from bot.store.conversation import ConversationLog

QUIT_WORDS = frozenset({"quit", "exit", "q", "/quit", "/exit"})
TOPICS_WORDS = frozenset({"topics", "/topics", "topic", "sujets", "temas"})
MORE_WORDS = frozenset({"more", "/more", "plus", "más", "mas"})


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
        self.responder = responder
        self._posting = responder.knowledge.posting(posting).slug
        self._log = log
        self._write = write
        self._interactive = sys.stdin.isatty() if interactive is None else interactive
        self._lang = "en"
        self._choices: list[str] = []
        self._more: str | None = None  # the topic the last reply showed in part

    async def run(self) -> None:
        """Chat until 'quit', end of input or cancellation."""
        self._write(self.responder.greeting(self._lang, self._posting))
        self._show_topics()
        self._write(phrase("chat_help", self._lang))
        try:
            async for line in self._lines():
                if not self._interactive:
                    self._write(f"> {line}")
                if line.strip().casefold() in QUIT_WORDS:
                    break
                self.handle(line)
            self._write(phrase("goodbye", self._lang))
        finally:  # also when cancelled by SIGTERM
            if self._log:
                self._log.set_status("closed")

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

    def handle(self, line: str) -> None:
        """React to one line typed by the candidate."""
        text = line.strip()
        if text.casefold() in TOPICS_WORDS:
            self._command(text, self._show_topics())
        elif text.casefold() == "/human":
            self._command(text, phrase("no_human_here", self._lang))
            self._write(phrase("no_human_here", self._lang))
        elif text.isdigit() and self._choices:
            self._pick(text)
        elif text.casefold() in MORE_WORDS and self._more:
            self._answer_topic(text, self._more)
        else:
            start = time.perf_counter()
            reply = self.responder.reply(text, self._posting, self._lang)
            if self._log:
                self._log.exchange(reply, 1000 * (time.perf_counter() - start))
            self._show(reply)

    def _pick(self, text: str) -> None:
        number, choices = int(text), self._choices
        self._choices = []
        if number == 0 or number > len(choices):
            self._command(text, phrase("fallback", self._lang), outcome="fallback")
            self._write(phrase("fallback", self._lang))
            return
        self._answer_topic(text, choices[number - 1])

    def _answer_topic(self, text: str, topic: str) -> None:
        """The whole topic: a numbered choice, or "more" after a partial answer."""
        start = time.perf_counter()
        reply = self.responder.answer_topic(topic, self._lang, self._posting)
        if self._log:
            self._log.incoming(text, self._lang, outcome="command", topics=(topic,))
            self._log.reply(reply, 1000 * (time.perf_counter() - start))
        self._show(reply)

    def _command(self, text: str, answer: str, outcome: str = "command") -> None:
        if self._log:
            self._log.incoming(text, self._lang, outcome="command")
            self._log.outgoing(answer, outcome, self._lang)

    def _show_topics(self) -> str:
        titles = self.responder.topic_titles(self._lang, self._posting)
        self._choices = [topic for topic, _ in titles]
        listing = "\n".join(
            [phrase("topics", self._lang)]
            + [f"  {i}. {title}" for i, (_, title) in enumerate(titles, 1)]
        )
        self._write(listing)
        return listing

    def _show(self, reply: Reply) -> None:
        if reply.lang in LANGUAGES:
            self._lang = reply.lang
        self._more = reply.more
        if reply.outcome is Outcome.CLARIFY:
            self._write(self._clarify(reply))
            return
        self._write(reply.text)
        if reply.more:
            posting = self.responder.knowledge.posting(self._posting)
            title = posting.topic(reply.more).text(reply.reply_lang).title
            self._write(phrase("more_hint", reply.reply_lang, title=title))

    def _clarify(self, reply: Reply) -> str:
        self._choices = list(reply.suggestions)
        posting = self.responder.knowledge.posting(self._posting)
        lines = [phrase("clarify", reply.reply_lang)]
        lines += [
            f"  {i}. {posting.topic(t).text(reply.reply_lang).title}"
            for i, t in enumerate(reply.suggestions, 1)
        ]
        lines.append(f"  0. {phrase('none_of_these', reply.reply_lang)}")
        return "\n".join(lines)

"""The knowledge base as the console needs it (for `kb suggest`'s snippets): loaded on
first use, loaded again when its files change, and never fatal to a page; and the
last analysis made with it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.runtime.reload import fingerprint

log = logging.getLogger(__name__)
T = TypeVar("T")


class KnowledgeCache:
    """Holds one Responder for `folder`; `error` says why there is none."""

    def __init__(self, folder: Path, posting: str | None) -> None:
        self.folder = folder
        self.posting = posting
        self.error: str | None = None
        self._responder: Responder | None = None
        self._fingerprint: str | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str | None:
        """The fingerprint of the files last loaded (or refused)."""
        return self._fingerprint

    def responder(self) -> Responder | None:
        with self._lock:
            current = fingerprint(self.folder)
            if current != self._fingerprint:
                try:
                    self._responder = Responder(load_knowledge(self.folder, self.posting))
                    self.error = None
                except KnowledgeError as exc:
                    # Keep the last good one, if any; the page says what is wrong.
                    log.warning("console: knowledge base not loaded: %s", exc)
                    self.error = str(exc)
                self._fingerprint = current
            return self._responder


class LastResult(Generic[T]):
    """Keeps one result and the key it was computed for: a new key replaces it."""

    def __init__(self) -> None:
        self._entry: tuple[Hashable, T] | None = None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        entry = self._entry
        if entry is None or entry[0] != key:
            entry = (key, compute())
            self._entry = entry
        return entry[1]

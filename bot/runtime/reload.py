"""Safe hot reload: a new knowledge base is built and checked beside the one in use,
and swapped in only when it passes; a broken edit never reaches candidates.

Triggers: a change in the knowledge folder (watchfiles; a Kubernetes ConfigMap's
symlink swap included), SIGHUP, or an admin's /reload.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import watchfiles

from bot.core.dialogue import Responder
from bot.core.knowledge.base import COMPANY_FILE, POSTINGS_DIR
from bot.kb.check import check_knowledge
from bot.kb.findings import Finding, errors
from bot.ops.metrics import RELOADS
from bot.store.events import now

log = logging.getLogger(__name__)

MAX_LISTED_ERRORS = 10


@dataclass(frozen=True, slots=True)
class ReloadResult:
    status: str  # "loaded", "refused" or "unchanged"
    reason: str  # what triggered it
    at: str
    errors: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "refused"

    def describe(self) -> str:
        if self.status == "loaded":
            return f"Knowledge base reloaded ({self.reason})."
        if self.status == "unchanged":
            return f"Knowledge base unchanged ({self.reason}); nothing to reload."
        listed = [str(e) for e in self.errors[:MAX_LISTED_ERRORS]]
        more = len(self.errors) - len(listed)
        if more > 0:
            listed.append(f"... and {more} more (run `python -m bot kb check`)")
        return (
            f"Knowledge reload refused ({self.reason}): still serving the previous version. "
            f"{len(self.errors)} error(s):\n" + "\n".join(listed)
        )


def fingerprint(folder: Path) -> str:
    """A digest of the files the loader reads (symlinks followed, as a ConfigMap needs)."""
    digest = hashlib.sha256()
    files = [folder / COMPANY_FILE, *sorted((folder / POSTINGS_DIR).glob("*.y*ml"))]
    for file in files:
        digest.update(file.name.encode())
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


class KnowledgeReloader:
    """Holds the responder in use and replaces it only with a checked one."""

    def __init__(
        self,
        folder: Path,
        posting: str | None,
        responder: Responder,
        on_swap: Callable[[Responder], None],
        on_refused: Callable[[ReloadResult], Awaitable[None]] | None = None,
    ) -> None:
        self.folder = folder
        self.posting = posting
        self.responder = responder
        self._on_swap = on_swap
        self._on_refused = on_refused
        self._lock = asyncio.Lock()
        self._fingerprint = fingerprint(folder)
        self.loaded_at = now()
        self.last: ReloadResult | None = None
        self.results: Counter[str] = Counter()

    async def reload(
        self, reason: str, *, force: bool = False, notify: bool = True
    ) -> ReloadResult:
        """Check the folder beside the running knowledge base; swap only if it passes.
        Replies in flight finish with the responder they started with. `notify=False`
        when whoever asked sees the result anyway (an admin's /reload)."""
        async with self._lock:
            current = await asyncio.to_thread(fingerprint, self.folder)
            if current == self._fingerprint and not force:
                return self._record(ReloadResult("unchanged", reason, now()))
            report = await asyncio.to_thread(check_knowledge, self.folder, posting=self.posting)
            if not report.ok or report.responder is None:
                result = self._record(
                    ReloadResult("refused", reason, now(), tuple(errors(report.findings)))
                )
                log.error("%s", result.describe())
                if self._on_refused is not None and notify:
                    await self._on_refused(result)
                return result
            await asyncio.to_thread(report.responder.warm_up)
            self.responder = report.responder
            self._fingerprint = current
            self.loaded_at = now()
            self._on_swap(report.responder)
            result = self._record(ReloadResult("loaded", reason, self.loaded_at))
            log.warning("%s", result.describe())
            return result

    def _record(self, result: ReloadResult) -> ReloadResult:
        self.last = result
        self.results[result.status] += 1
        RELOADS.labels(result.status).inc()
        return result

    async def watch(self) -> None:
        """Reload on every change in the folder until cancelled."""
        async for changes in watchfiles.awatch(self.folder, debounce=500, step=50):
            log.info("knowledge folder changed (%d events)", len(changes))
            await self.reload("file change")

    def health(self) -> dict[str, Any]:
        """For /healthz. A refused reload doesn't make the bot unhealthy: it still serves
        the previous version, and a restart would not load the broken files either."""
        last = self.last
        return {
            "ok": True,
            "postings": len(self.responder.knowledge.postings),
            "loaded_at": self.loaded_at,
            "last_reload": None
            if last is None
            else {
                "status": last.status,
                "reason": last.reason,
                "at": last.at,
                "errors": [str(e) for e in last.errors[:MAX_LISTED_ERRORS]],
            },
        }

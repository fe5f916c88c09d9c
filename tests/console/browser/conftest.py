"""The console in a real browser: Debian's Chromium driven by Playwright's sync API, against
the app served by uvicorn on 127.0.0.1 over a SQLite file written by the real
TranscriptStore and ConversationLog.

Playwright's own browser download cannot work here, so the tests drive the Chromium
that apt installs. Without it they skip with a message, except when
HIREBOT_REQUIRE_BROWSER=1 (CI sets it): then a missing browser is a failure.

One browser serves the whole package. It cannot live for the whole session: between
calls the sync API leaves its event loop marked as running in this thread, so every
async test after it would fail with "Cannot run the event loop while another loop is
running". For the same reason anything that needs asyncio here (writing the sample,
the accounts) runs in a thread of its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from bot.console.app import create_app
from bot.core.dialogue import Outcome, Reply
from bot.settings import Settings
from bot.store import TranscriptStore
from bot.store import conversation as conversation_module
from bot.store.conversation import ConversationLog
from tests.conftest import KNOWLEDGE, ROOT
from tests.console.conftest import PASSWORD, add_account

CHROMIUM = Path("/usr/bin/chromium")
MISSING = (
    f"Chromium not found at {CHROMIUM}; install it with `apt-get install chromium` "
    "to run the browser tests"
)
REQUIRE_BROWSER = "HIREBOT_REQUIRE_BROWSER"
# Without the background-networking flags Chromium dials Google at start-up, and the
# closed network here refuses it. --no-sandbox: CI runs as root.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = ROOT / "docs" / "screenshots"
START_TIMEOUT_S = 30.0

# What a hostile candidate types. Either would set window.__pwned if a page ran it.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT_QUESTION = f"{SCRIPT} is the job remote?"
IMG_QUESTION = f"{IMG} what about the salary?"

BACKEND = "backmarket-backend-engineer"
FRONTEND = "frontend-engineer"

T = TypeVar("T")


def find_chromium() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    return shutil.which("chromium")


def no_browser(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where the browser tests must run."""
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{reason} ({REQUIRE_BROWSER}=1: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def in_thread(function: Callable[[], T]) -> T:
    """Run `function` in a fresh thread: it may use asyncio.run while Playwright is up."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        no_browser(MISSING)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


# -- the sample ----------------------------------------------------------------------------


class Clock:
    """Stands in for `now()` in bot.store.conversation: 40 seconds per call."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> str:
        self.moment += timedelta(seconds=40)
        return self.moment.isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Ask:
    """A question and the bot's reply: an answer on `topic`, or a fallback without one."""

    question: str
    topic: str | None = None
    confidence: float = 0.1
    text: str = ""
    helpful: bool | None = None


@dataclass(frozen=True, slots=True)
class HandOff:
    """The candidate taps "talk to a recruiter"; the bot says it passed the question on."""

    button: str
    told: str


@dataclass(frozen=True, slots=True)
class RecruiterReply:
    text: str


Step = Ask | HandOff | RecruiterReply
FALLBACK = {
    "en": "Sorry, I don't know the answer to that. A recruiter can help.",
    "fr": "Désolé, je ne connais pas la réponse. Un recruteur peut vous aider.",
    "es": "Lo siento, no sé la respuesta. Un reclutador puede ayudarte.",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    name: str
    ago: timedelta  # when the conversation started
    lang: str
    posting: str
    steps: tuple[Step, ...]
    channel: str = "telegram"
    username: str | None = None
    status: str = "open"  # at the end: open, handed_off or closed
    reviewed: bool = False


CANDIDATES = (
    Candidate(
        "amelie",
        "Amélie Laurent",
        timedelta(minutes=30),
        "fr",
        BACKEND,
        (
            Ask("Bonjour !", "smalltalk.greeting", 0.98, "Bonjour ! Posez-moi vos questions."),
            Ask(
                "Le poste est-il en télétravail ?",
                "remote-work",
                0.87,
                "Oui : deux jours par semaine au bureau, le reste à distance.",
                helpful=True,
            ),
            Ask(
                "Quelle est la fourchette de salaire ?",
                "salary",
                0.92,
                "La fourchette est indiquée dans l'annonce : 55 à 70 k€ brut par an.",
            ),
        ),
        username="amelie_l",
    ),
    Candidate(
        "diego",
        "Diego Fernández",
        timedelta(hours=3),
        "es",
        BACKEND,
        (
            Ask(
                "¿Cómo es el proceso de entrevistas?",
                "interview-process",
                0.84,
                "Son cuatro etapas: llamada, prueba técnica, diseño de sistemas y equipo.",
                helpful=True,
            ),
            Ask("¿Patrocinan visados de trabajo?", confidence=0.21),
            HandOff(
                "Hablar con un reclutador",
                "He pasado tu pregunta al equipo; te responderán en 48 horas.",
            ),
            RecruiterReply("Hola Diego, te escribo por correo esta semana con los detalles."),
        ),
        status="handed_off",
    ),
    Candidate(
        "priya",
        "Priya Raman",
        timedelta(hours=5),
        "en",
        BACKEND,
        (
            Ask(
                "What's the tech stack?",
                "tech-stack",
                0.9,
                "Python and Go services on Kubernetes, with PostgreSQL and Kafka.",
                helpful=True,
            ),
            Ask("Do you offer a relocation package?", confidence=0.18),
            Ask(
                "Is the salary negotiable?",
                "salary",
                0.71,
                "The range in the posting is 55k to 70k EUR a year.",
                helpful=False,
            ),
        ),
    ),
    Candidate(
        "sam",
        "Sam Okafor",
        timedelta(hours=9),
        "en",
        BACKEND,
        (Ask(SCRIPT_QUESTION, confidence=0.0), Ask(IMG_QUESTION, confidence=0.05)),
        channel="web",
        username="sam_o",
    ),
    Candidate(
        "jonas",
        "Jonas Weber",
        timedelta(hours=26),
        "en",
        FRONTEND,
        (
            Ask("hi", "smalltalk.greeting", 0.99, "Hello! Ask me anything about the job."),
            Ask(
                "Can I work from Berlin?",
                "locations",
                0.77,
                "The team is in Paris; fully remote within the EU is possible.",
            ),
        ),
        status="closed",
        reviewed=True,
    ),
    Candidate(
        "lucia",
        "Lucía Gómez",
        timedelta(hours=30),
        "es",
        FRONTEND,
        (
            Ask(
                "¿El trabajo es remoto?",
                "remote-work",
                0.88,
                "Sí: dos días por semana en la oficina y el resto en remoto.",
                helpful=True,
            ),
            Ask("¡Gracias!", "smalltalk.thanks", 0.97, "¡De nada! Suerte con tu candidatura."),
        ),
        channel="web",
    ),
    Candidate(
        "marc",
        "Marc Lefèvre",
        timedelta(hours=50),
        "fr",
        BACKEND,
        (
            Ask(
                "C'est quoi la stack technique ?",
                "tech-stack",
                0.81,
                "Des services Python et Go sur Kubernetes, avec PostgreSQL et Kafka.",
            ),
            Ask("Y a-t-il des BSPCE ?", confidence=0.15),
            Ask("Prenez-vous des alternants ?", confidence=0.12),
        ),
    ),
    Candidate(
        "olivia",
        "Olivia Brown",
        timedelta(days=20),
        "en",
        BACKEND,
        (
            Ask(
                "How many interview rounds are there?",
                "interview-process",
                0.86,
                "Four: a call, a technical exercise, system design and a team chat.",
            ),
            Ask(
                "Is there a career ladder for engineers?",
                "career-growth",
                0.8,
                "Yes, a public ladder from junior to principal, reviewed twice a year.",
            ),
        ),
        status="closed",
        reviewed=True,
    ),
)


@dataclass(frozen=True, slots=True)
class Sample:
    """The conversation id of each of CANDIDATES, by key."""

    path: Path
    ids: dict[str, str]

    def __getattr__(self, key: str) -> str:
        try:
            return self.ids[key]
        except KeyError:
            raise AttributeError(key) from None

    def name(self, conversation: str) -> str:
        key = next(k for k, v in self.ids.items() if v == conversation)
        return next(c.name for c in CANDIDATES if c.key == key)


def log_steps(log: ConversationLog, candidate: Candidate) -> None:
    lang = candidate.lang
    for step in candidate.steps:
        if isinstance(step, Ask):
            outcome = Outcome.ANSWER if step.topic else Outcome.FALLBACK
            text = step.text or FALLBACK[lang]
            topics = (step.topic,) if step.topic else ()
            reply = Reply(step.question, lang, lang, outcome, topics, step.confidence, text, ())
            sent = log.exchange(reply, latency_ms=5.0)
            if step.helpful is not None:
                log.feedback(sent, helpful=step.helpful)
        elif isinstance(step, HandOff):
            log.incoming(step.button, lang, outcome="handoff")
            log.set_status("handed_off")
            log.outgoing(step.told, "handoff", lang)
        else:
            log.outgoing(step.text, "recruiter", lang)
    if candidate.status != "open":
        log.set_status(candidate.status)


async def write_sample(path: Path) -> Sample:
    """CANDIDATES, written by the real store; times are relative to now."""
    clock = Clock()
    started = datetime.now(UTC)
    ids: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conversation_module, "now", clock)
        async with TranscriptStore(path) as store:
            for number, candidate in enumerate(CANDIDATES, start=5001):
                clock.moment = started - candidate.ago
                log = ConversationLog(
                    store,
                    candidate.channel,
                    str(number),
                    candidate.posting,
                    display_name=candidate.name,
                    username=candidate.username,
                )
                ids[candidate.key] = log.id
                log_steps(log, candidate)
            assert await store.flush(), "the sample was not stored"
    reviewed_at = datetime.now(UTC).isoformat(timespec="milliseconds")
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "INSERT INTO conversation_reviews VALUES (?, 'rita', ?)",
            [(ids[c.key], reviewed_at) for c in CANDIDATES if c.reviewed],
        )
    return Sample(path, ids)


def make_database(path: Path) -> Sample:
    sample = asyncio.run(write_sample(path))
    add_account(path, "rita", "recruiter")
    add_account(path, "adam", "admin")
    add_account(path, "vera", "viewer")
    return sample


# -- the server ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Console:
    url: str
    sample: Sample


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The console on 127.0.0.1 (a free port), served by uvicorn in a background thread."""
    path = tmp_path_factory.mktemp("console") / f"bot-{uuid.uuid4().hex[:6]}.sqlite3"
    sample = in_thread(lambda: make_database(path))
    settings = Settings(database=path, knowledge=KNOWLEDGE)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the console server stopped during start-up")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError(f"the console server did not start in {START_TIMEOUT_S} s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Console(f"http://127.0.0.1:{port}", sample)
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)


# -- pages -----------------------------------------------------------------------------------


@dataclass  # no slots: Playwright stores a wrapper on the object of a bound-method handler
class PageLog:
    """What a page did besides rendering: dialogs it opened, errors in its console."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


def log_page(page: Page) -> PageLog:
    log = PageLog()
    page.on("dialog", log.on_dialog)
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.errors.append(f"uncaught: {error}"))
    return log


def sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    """Through the form, as a recruiter would."""
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def signed_in(browser: Browser, console: Console) -> dict:
    """Rita's cookies after signing in through the form once, for every test's new context."""
    context = browser.new_context(base_url=console.url)
    page = context.new_page()
    sign_in(page, "rita")
    page.wait_for_url(f"{console.url}/")
    state = context.storage_state()
    context.close()
    return state  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Tab:
    page: Page
    log: PageLog


@pytest.fixture
def tab(browser: Browser, console: Console, signed_in: dict) -> Iterator[Tab]:
    """A fresh browser context signed in as the recruiter rita, at 1280x800.

    On the way out it checks that no page opened a dialog, threw, or broke the CSP."""
    context = browser.new_context(
        base_url=console.url,
        storage_state=signed_in,
        viewport=VIEWPORT,  # type: ignore[arg-type]
    )
    page = context.new_page()
    log = log_page(page)
    try:
        yield Tab(page, log)
        assert log.dialogs == [], f"a page opened a dialog: {log.dialogs}"
        assert not [e for e in log.errors if e.startswith("uncaught")], log.errors
        assert log.csp_violations() == [], f"CSP violations: {log.csp_violations()}"
    finally:
        context.close()

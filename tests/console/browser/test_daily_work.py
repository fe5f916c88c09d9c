"""A recruiter's daily work in real Chromium: the hand-off queue and a reply from the
console, what went unanswered today and since the last visit, searching by name, and
what a read-only viewer and an admin each may do. This module has its own database
(the `console` fixture is per module), so it may add to it."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.dialogue import Outcome, Reply
from bot.store import TranscriptStore, handoffs
from bot.store.conversation import ConversationLog
from bot.store.database import engine_for
from tests.console.browser.conftest import VIEWPORT, Console, in_thread, log_page, sign_in
from tests.console.browser.test_console import listed, read_csv


async def _add_waiting_handoff(path: Path) -> str:
    """A candidate who asked for a person a moment ago and has no reply yet."""
    async with TranscriptStore(path) as store:
        log = ConversationLog(
            store, "telegram", "7777", "backmarket-backend-engineer", display_name="Lena Vogel"
        )
        question = "Can I bring my dog to the office?"
        log.exchange(Reply(question, "en", "en", Outcome.FALLBACK, (), 0.1, "Sorry…"), 5.0)
        log.incoming("Talk to a recruiter", "en", outcome="handoff")
        log.set_status("handed_off")
        log.outgoing("I passed your question on.", "handoff", "en")
        assert await store.flush()
        return log.id


@pytest.fixture(scope="module")
def lena(console: Console) -> str:
    return in_thread(lambda: asyncio.run(_add_waiting_handoff(console.sample.path)))


@pytest.fixture
def as_user(browser: Browser, console: Console) -> Iterator[object]:
    """Open a fresh context signed in through the form as the given account."""
    contexts = []

    def open_as(name: str) -> Page:
        context = browser.new_context(base_url=console.url, viewport=VIEWPORT)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        log = log_page(page)
        page.log = log  # type: ignore[attr-defined]
        sign_in(page, name)
        page.wait_for_url(f"{console.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_the_queue_and_a_reply_from_the_console(as_user, console: Console, lena: str) -> None:
    page: Page = as_user("rita")
    page.get_by_role("link", name="Hand-offs").click()
    expect(page).to_have_url(f"{console.url}/handoffs")
    waiting = page.locator(f'#handoffs tr[data-conversation="{lena}"]')
    expect(waiting).to_contain_text("Lena Vogel")
    expect(waiting).to_contain_text("Can I bring my dog to the office?")
    expect(waiting.locator(".badge")).to_have_text(re.compile(r"^\d+ min$"))
    # Diego was handed off too, but a recruiter already answered him.
    expect(page.locator(f'tr[data-conversation="{console.sample.diego}"]')).to_have_count(0)

    waiting.get_by_role("link", name="Lena Vogel").click()
    page.get_by_label(re.compile("Your reply")).fill("Hi Lena, dogs are welcome on Fridays!")
    page.get_by_role("button", name="Send to the candidate").click()
    reply = page.locator("#reply .note")
    expect(reply).to_contain_text("waiting for the bot to send it")
    expect(reply).to_contain_text("dogs are welcome on Fridays")

    page.goto("/handoffs")
    expect(page.locator(f'tr[data-conversation="{lena}"]')).to_have_count(0)
    expect(page.get_by_text("Nobody is waiting for a recruiter.")).to_be_visible()

    # What the bot does next (tested against the fake Bot API in tests/channels).
    async def send_it() -> None:
        engine = engine_for(console.sample.path)
        outbox = handoffs.ReplyOutbox(engine)
        [taken] = await outbox.take()
        await outbox.settle(taken.reply.id, None)
        await engine.dispose()

    in_thread(lambda: asyncio.run(send_it()))
    page.goto(f"/conversations/{lena}")
    expect(page.locator("#reply .note")).to_contain_text("sent")
    assert page.log.dialogs == []  # type: ignore[attr-defined]


def test_unanswered_today_and_since_my_last_visit(as_user, console: Console) -> None:
    page: Page = as_user("adam")
    page.goto("/unanswered")
    expect(page.locator("#recent h2")).to_have_text("Asked today")
    page.get_by_label("Period").select_option("1")  # applies itself
    expect(page).to_have_url(re.compile(r"[?&]days=1"))
    expect(page.get_by_text(re.compile(r"got no answer today"))).to_be_visible()

    # Adam last looked four hours ago: Diego's question (3 h ago) is new, Priya's (5 h) not.
    four_hours_ago = (datetime.now(UTC) - timedelta(hours=4)).isoformat()
    with closing(sqlite3.connect(console.sample.path)) as db, db:
        db.execute("UPDATE console_visits SET seen_at = ? WHERE user = 'adam'", (four_hours_ago,))
    page.get_by_role("link", name="since my last visit").click()
    expect(page).to_have_url(re.compile(r"since=last"))
    recent = page.locator("#recent")
    expect(recent.locator("h2")).to_contain_text("Asked since your last visit")
    expect(recent).to_contain_text("¿Patrocinan visados de trabajo?")
    expect(recent).not_to_contain_text("relocation package")


def test_search_by_candidate_name_or_username(as_user, console: Console) -> None:
    page: Page = as_user("rita")
    search = page.get_by_label("Search the messages")
    search.fill("Okafor")
    search.press("Enter")
    assert listed(page, 1) == {console.sample.sam}
    search = page.get_by_label("Search the messages")
    search.fill("@amelie_l")
    search.press("Enter")
    assert listed(page, 1) == {console.sample.amelie}


def test_a_viewer_reads_without_export_notes_or_replies(as_user, console: Console) -> None:
    page: Page = as_user("vera")
    expect(page.locator(".who")).to_have_text("vera (viewer)")
    expect(page.get_by_role("button", name=re.compile("^Export"))).to_have_count(0)
    page.goto(f"/conversations/{console.sample.diego}")
    expect(page.locator(".chat .bubble").first).to_be_visible()
    expect(page.get_by_role("button", name="Send to the candidate")).to_have_count(0)
    expect(page.get_by_role("button", name="Save note")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark as reviewed")).to_have_count(0)
    page.goto("/handoffs")
    expect(page.get_by_role("heading", name="Waiting for a recruiter")).to_be_visible()


def test_an_admin_exports_with_names_only_when_asked(as_user, console: Console) -> None:
    page: Page = as_user("adam")
    page.get_by_label("Language").select_option("es")
    listed(page, 2)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export 2 as CSV").click()
    names = {r["display_name"] for r in read_csv(Path(download.value.path()))}
    assert names.isdisjoint({"Diego Fernández", "Lucía Gómez"})
    page.get_by_label("with names (admins only)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export 2 as CSV").click()
    names = {r["display_name"] for r in read_csv(Path(download.value.path()))}
    assert names == {"Diego Fernández", "Lucía Gómez"}

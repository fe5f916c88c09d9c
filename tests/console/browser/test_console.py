"""A recruiter's day in a real browser: sign in, filter the inbox, open a transcript, mark it
reviewed, export, copy YAML, and never run what a candidate typed."""

from __future__ import annotations

import csv
import io
import os
import re
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from playwright.sync_api import Browser, Locator, Page, Route, expect

from bot.store.sessions import COOKIE
from tests.console.browser.conftest import (
    FRONTEND,
    IMG,
    IMG_QUESTION,
    SCREENSHOTS,
    SCRIPT,
    SCRIPT_QUESTION,
    VIEWPORT,
    Console,
    Tab,
    log_page,
)
from tests.console.conftest import PASSWORD

# Adds an inline <script> the way an injection would; returns whether it ran.
INJECT_INLINE_SCRIPT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = 1";
    document.body.append(script);
    return window.__injected === 1;
}"""
# Records CSP violations in the page (Playwright's init scripts are exempt from the CSP).
WATCH_VIOLATIONS = """() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation",
        (event) => window.__violations.push(event.violatedDirective));
}"""


def listed(page: Page, count: int) -> set[str]:
    """The conversations the inbox lists, once it lists `count` of them."""
    rows = page.locator("#conversations tbody tr")
    expect(rows).to_have_count(count)
    return set(rows.evaluate_all("rows => rows.map((row) => row.dataset.conversation)"))


def row(page: Page, conversation: str) -> Locator:
    return page.locator(f'#conversations tr[data-conversation="{conversation}"]')


def transcript(page: Page, conversation: str) -> None:
    page.goto(f"/conversations/{conversation}")
    expect(page.locator(".chat")).to_be_visible()


def pwned(page: Page) -> object:
    return page.evaluate("window.__pwned")


# -- signing in --------------------------------------------------------------------------


def test_signing_in_and_out_through_the_form(browser: Browser, console: Console) -> None:
    context = browser.new_context(base_url=console.url)
    page = context.new_page()
    log = log_page(page)
    try:
        page.goto("/unanswered")
        expect(page).to_have_url(re.compile(r"/login\?next=%2Funanswered$"))

        page.get_by_label("Name").fill("adam")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("Wrong name or password.")

        page.get_by_label("Name").fill("adam")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{console.url}/unanswered")  # back where it was going
        expect(page.locator(".who")).to_have_text("adam (admin)")

        # The session cookie is HttpOnly: the page's own scripts cannot read it.
        cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert COOKIE not in page.evaluate("document.cookie")

        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(f"{console.url}/login")
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/login"))
        assert log.dialogs == [] and log.csp_violations() == []
    finally:
        context.close()


# -- the inbox ---------------------------------------------------------------------------


def test_filters_narrow_the_inbox(tab: Tab, console: Console) -> None:
    page, sample = tab.page, console.sample
    page.goto("/")
    assert listed(page, 8) == set(sample.ids.values())
    expect(page.locator("#summary")).to_contain_text("1–8 of 8 conversations")

    page.get_by_label("Language").select_option("es")  # applies itself (data-autosubmit)
    expect(page).to_have_url(re.compile(r"[?&]lang=es"))
    assert listed(page, 2) == {sample.diego, sample.lucia}
    expect(page.get_by_label("Language")).to_have_value("es")

    # On top of the language. By role: the "Bot reply" options name the posting too.
    page.get_by_role("combobox", name=re.compile(r"^Posting")).select_option(FRONTEND)
    assert listed(page, 1) == {sample.lucia}

    page.get_by_role("link", name="Clear").click()
    assert listed(page, 8) == set(sample.ids.values())

    page.get_by_label("Show").select_option("unhelpful")
    assert listed(page, 1) == {sample.priya}
    page.get_by_label("Show").select_option("unanswered")
    assert listed(page, 4) == {sample.diego, sample.priya, sample.sam, sample.marc}
    page.get_by_label("Show").select_option("")
    page.get_by_label("Bot reply").select_option("handoff")
    assert listed(page, 1) == {sample.diego}

    page.goto("/")
    week_ago = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    page.get_by_label("From").fill(week_ago)
    page.get_by_role("button", name="Apply").click()
    assert listed(page, 7) == set(sample.ids.values()) - {sample.olivia}


def test_search_narrows_the_inbox_and_marks_the_words(tab: Tab, console: Console) -> None:
    page, sample = tab.page, console.sample
    page.goto("/")
    search = page.get_by_label("Search the messages")
    search.fill("visa")
    search.press("Enter")
    assert listed(page, 1) == {sample.diego}
    expect(row(page, sample.diego).locator(".snippet mark")).to_have_text("visados")

    search = page.get_by_label("Search the messages")
    search.fill("salary")
    search.press("Enter")
    assert listed(page, 2) == {sample.priya, sample.sam}


def test_a_transcript_opens_from_the_inbox(tab: Tab, console: Console) -> None:
    page = tab.page
    page.goto("/")
    page.get_by_role("link", name="Priya Raman").click()
    expect(page).to_have_url(f"{console.url}/conversations/{console.sample.priya}")
    expect(page.locator(".chat .bubble")).to_have_count(6)


def test_export_downloads_the_filtered_conversations(tab: Tab, console: Console) -> None:
    page, sample = tab.page, console.sample
    page.goto("/")
    page.get_by_label("Language").select_option("es")
    shown = listed(page, 2)
    counts = {c: int(row(page, c).locator("td").nth(3).inner_text()) for c in shown}

    with page.expect_download() as download:
        page.get_by_role("button", name="Export 2 as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    rows = read_csv(Path(download.value.path()))
    assert {r["conversation"] for r in rows} == shown == {sample.diego, sample.lucia}
    for conversation, messages in counts.items():
        assert sum(r["conversation"] == conversation for r in rows) == messages
    assert "¿Patrocinan visados de trabajo?" in {r["text"] for r in rows}
    # A recruiter's export carries pseudonyms; names are for admins (test_daily_work).
    names = {r["display_name"] for r in rows}
    assert names and names.isdisjoint({"Diego Fernández", "Lucía Gómez"})
    expect(page.get_by_text("names are replaced by pseudonyms")).to_be_visible()


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")  # the export starts with a BOM for Excel
    return list(csv.DictReader(io.StringIO(text)))


# -- a transcript ------------------------------------------------------------------------


def test_a_transcript_shows_topic_confidence_and_feedback(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.priya)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya Raman")
    bubbles = page.locator(".chat .bubble")
    expect(bubbles).to_have_count(6)
    expect(page.locator(".chat .bubble.in")).to_have_count(3)

    stack = bubbles.filter(has_text="Python and Go services")
    expect(stack.locator(".topic")).to_have_text("topic: tech-stack")
    expect(stack.locator(".confidence")).to_have_text("confidence 0.90")
    expect(stack.locator(".feedback")).to_contain_text("helpful")

    pay = bubbles.filter(has_text="55k to 70k EUR")
    expect(pay.locator(".topic")).to_have_text("topic: salary")
    expect(pay.locator(".confidence")).to_have_text("confidence 0.71")
    expect(pay.locator(".feedback")).to_contain_text("not helpful")

    no_answer = bubbles.filter(has_text="I don't know the answer")
    expect(no_answer.locator(".confidence")).to_have_text("confidence 0.18")
    expect(no_answer.locator(".feedback")).to_have_count(0)
    # The candidate's own bubbles carry no bot figures.
    expect(page.locator(".chat .bubble.in .confidence")).to_have_count(0)


def test_a_transcript_shows_the_handoff_timeline(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.diego)
    expect(page.locator(".meta")).to_contain_text("handed off")
    steps = page.locator(".timeline li")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text("¿Patrocinan visados de trabajo?")
    expect(steps.nth(1)).to_contain_text("Candidate asked for a recruiter")
    expect(steps.nth(3)).to_contain_text("Recruiter replied")
    expect(page.locator(".chat .bubble.recruiter")).to_contain_text("te escribo por correo")


def test_marking_reviewed_survives_a_reload(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.lucia)
    state = page.locator("#review-state")
    expect(state).to_have_text("unreviewed")

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(state).to_have_text("reviewed")
    expect(page.get_by_text("Marked reviewed by rita")).to_be_visible()
    page.reload()
    expect(state).to_have_text("reviewed")

    page.goto("/")
    expect(row(page, console.sample.lucia).locator(".badge")).to_have_text("reviewed")
    page.get_by_label("Show").select_option("unreviewed")
    assert console.sample.lucia not in listed(page, 5)

    transcript(page, console.sample.lucia)  # leave it as found
    page.get_by_role("button", name="Mark as not reviewed").click()
    expect(state).to_have_text("unreviewed")
    page.reload()
    expect(state).to_have_text("unreviewed")


def test_a_private_note_is_kept_and_shown_as_text(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.marc)
    note = f"Call back about equity. {IMG}"
    page.get_by_label("Add a note").fill(note)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#notes .note")).to_have_count(1)
    page.reload()
    expect(page.locator("#notes .note p")).to_have_text(note)
    expect(page.locator("#notes .note")).to_contain_text("rita")
    expect(page.locator("main img")).to_have_count(0)
    assert pwned(page) is None


# -- trends --------------------------------------------------------------------------------


def test_trends_charts_follow_the_period_and_posting(tab: Tab) -> None:
    page = tab.page
    page.goto("/trends")
    messages = page.locator(".figure", has_text="messages").locator(".value")
    expect(messages).to_have_text("41")  # every sample message is within 30 days
    expect(page.locator(".chart svg")).to_have_count(5)
    expect(page.locator(".chart svg").first).to_be_visible()

    page.get_by_role("link", name="Last 7 days").click()
    expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "true")
    expect(messages).to_have_text("37")  # Olivia's 4, 20 days ago, are out

    # By name: the form's own label ("Period and posting") also matches "Posting".
    page.locator('select[name="posting"]').select_option(FRONTEND)
    expect(page).to_have_url(re.compile(rf"posting={FRONTEND}"))
    expect(messages).to_have_text("8")  # Jonas and Lucía


# -- hostile candidate text --------------------------------------------------------------


def test_the_detector_sees_a_payload_that_runs(tab: Tab) -> None:
    """Control: without escaping and CSP these payloads do set window.__pwned, so the
    tests below that find it unset mean something."""
    page = tab.page
    for payload in (SCRIPT, IMG):
        page.set_content(f"<p>{payload}</p>")
        page.wait_for_function("window.__pwned === 1")


def test_script_and_img_messages_are_text_in_the_transcript(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.sam)
    page.wait_for_load_state("load")
    chat = page.inner_text(".chat")
    assert SCRIPT_QUESTION in chat and IMG_QUESTION in chat
    expect(page.locator(".chat .bubble.in .text")).to_have_text([SCRIPT_QUESTION, IMG_QUESTION])
    # Nothing became markup: no image element, no script beyond the console's own file.
    expect(page.locator("main img")).to_have_count(0)
    expect(page.locator("script")).to_have_count(1)
    expect(page.locator("script")).to_have_attribute("src", re.compile(r"/static/console\.js$"))
    assert pwned(page) is None
    # The hand-off timeline quotes them too, as text.
    assert SCRIPT_QUESTION in page.inner_text(".timeline")
    assert tab.log.dialogs == []


def test_script_and_img_messages_are_text_in_the_inbox(tab: Tab, console: Console) -> None:
    page = tab.page
    for words, question in (("script", SCRIPT_QUESTION), ("onerror", IMG_QUESTION)):
        page.goto(f"/?q={words}")
        assert listed(page, 1) == {console.sample.sam}
        expect(page.locator(".snippet")).to_have_text(question)
        assert question in page.inner_text("#conversations")
        expect(page.locator("main img")).to_have_count(0)
        assert pwned(page) is None


def test_script_and_img_questions_are_text_on_the_unanswered_page(tab: Tab) -> None:
    page = tab.page
    page.goto("/unanswered")
    text = page.inner_text("main")
    assert SCRIPT_QUESTION in text and IMG_QUESTION in text
    expect(page.locator("main img")).to_have_count(0)
    expect(page.locator("script")).to_have_count(1)
    assert pwned(page) is None


# -- YAML snippets -------------------------------------------------------------------------


def test_copy_puts_the_yaml_snippet_on_the_clipboard(tab: Tab, console: Console) -> None:
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.url)
    page.goto("/unanswered")
    # The snippet suggesting a topic for the hostile question: it must survive as text.
    snippet = page.locator("pre.yaml", has_text="__pwned=1</script> is the job remote?")
    expect(snippet).to_have_count(1)
    snippet_id = snippet.get_attribute("id")
    assert snippet_id
    button = page.locator(f'button[data-copy="{snippet_id}"]')
    button.click()
    expect(button.locator("xpath=..").locator(".copied")).to_have_text("Copied")

    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == snippet.text_content()
    topics = yaml.safe_load(copied)
    assert isinstance(topics, list) and len(topics) == 1
    assert topics[0]["en"]["examples"] == [SCRIPT_QUESTION]
    assert pwned(page) is None

    # Another snippet replaces it: the button copies its own snippet, not the first.
    other = page.locator("pre.yaml", has_text="what about the salary?")
    page.locator(f'button[data-copy="{other.get_attribute("id")}"]').click()
    page.wait_for_function(
        "(text) => navigator.clipboard.readText().then((now) => now !== text)", arg=copied
    )
    assert page.evaluate("navigator.clipboard.readText()") == other.text_content()


# -- the Content-Security-Policy ----------------------------------------------------------


def test_the_csp_blocks_an_injected_inline_script(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.sam)
    page.evaluate(WATCH_VIOLATIONS)
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refusal:
        assert page.evaluate(INJECT_INLINE_SCRIPT) is False
    assert "inline script" in refusal.value.text and "script-src 'self'" in refusal.value.text
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__violations") == ["script-src-elem"]
    assert page.evaluate("window.__injected") is None
    tab.log.errors.clear()  # the refusal was the point; the fixture checks for others


def test_without_the_csp_header_the_same_injection_runs(tab: Tab, console: Console) -> None:
    """Control: the same page served without its CSP header runs the injected script, so
    it is the header that stops it above."""
    page = tab.page
    url = f"{console.url}/conversations/{console.sample.sam}"

    def without_csp(route: Route) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k != "content-security-policy"}
        route.fulfill(response=response, headers=headers)

    page.route(url, without_csp)
    page.goto(url)
    assert page.evaluate(INJECT_INLINE_SCRIPT) is True


def test_pages_keep_to_their_own_csp(tab: Tab, console: Console) -> None:
    """No inline style or script anywhere: the browser reports no CSP violation."""
    page = tab.page
    page.context.add_init_script(script=f"({WATCH_VIOLATIONS})()")
    for path in (
        "/",
        "/unanswered",
        "/trends",
        f"/conversations/{console.sample.diego}",
        f"/conversations/{console.sample.sam}",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__violations") == [], path


# -- screenshots for the README ------------------------------------------------------------


def test_screenshots(tab: Tab, console: Console, tmp_path: Path) -> None:
    """The inbox and a transcript at 1280 pixels wide. With HIREBOT_SCREENSHOTS=1 they are
    written to docs/screenshots/ for the README; otherwise to a temporary folder."""
    folder = SCREENSHOTS if os.environ.get("HIREBOT_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = tab.page
    page.goto("/")
    listed(page, 8)
    page.screenshot(path=folder / "inbox.png", full_page=True)
    assert fits_the_width(page)

    transcript(page, console.sample.diego)
    expect(page.locator(".timeline li")).to_have_count(4)
    page.screenshot(path=folder / "transcript.png", full_page=True)
    assert fits_the_width(page)
    for name in ("inbox.png", "transcript.png"):
        width, height = png_size(folder / name)
        assert width == VIEWPORT["width"] and height >= VIEWPORT["height"]


def fits_the_width(page: Page) -> bool:
    """No sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])

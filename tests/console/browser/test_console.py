"""A recruiter's day in a real browser: sign in, filter the inbox, open a transcript, mark it
reviewed, export, copy YAML, and never run what a candidate typed."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from bot.console.sessions import COOKIE
from tests.console.browser.conftest import (
    IMG,
    IMG_QUESTION,
    SCRIPT,
    SCRIPT_QUESTION,
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

    page.get_by_role("button", name="Mark as not reviewed").click()  # leave it as found
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


# -- the Content-Security-Policy ----------------------------------------------------------


def test_the_csp_blocks_an_injected_inline_script(tab: Tab, console: Console) -> None:
    page = tab.page
    transcript(page, console.sample.sam)
    page.evaluate(WATCH_VIOLATIONS)
    assert page.evaluate(INJECT_INLINE_SCRIPT) is False
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__violations") == ["script-src-elem"]
    assert page.evaluate("window.__injected") is None
    tab.log.errors.clear()  # the refusal was the point; the fixture checks for others


def test_without_the_csp_header_the_same_injection_runs(tab: Tab, console: Console) -> None:
    """Control: the same page served without its CSP header runs the injected script, so
    it is the header that stops it above."""
    page = tab.page
    url = f"{console.url}/conversations/{console.sample.sam}"

    def without_csp(route) -> None:  # type: ignore[no-untyped-def]
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

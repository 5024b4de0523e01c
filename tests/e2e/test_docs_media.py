"""Docs beyond text, as a reader sees them in Chromium: runbooks as working checklists (issue 21).

Each test runs at a desktop (1366x900) and a phone (390x844) size: nothing scrolls sideways, nothing is
requested from another host, and the keyboard does what the mouse does.
"""

from __future__ import annotations

import re

import pytest
from e2e_harness import Browsing, axe_violations, describe_violations
from playwright.sync_api import Page, expect
from steps import expect_page_heading, tab_to

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
RUNBOOK = "/runbooks/rollback/"


@pytest.fixture(params=list(SIZES))
def page(browsing: Browsing, request: pytest.FixtureRequest) -> Page:
    """A page at one of the two sizes, under the site's own CSP (it allows the inline script axe-core is)."""
    opened = browsing.new_page()
    opened.set_viewport_size(SIZES[request.param])
    return opened


def expect_no_sideways_scroll(page: Page) -> None:
    """The page is no wider than the window."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")


def expect_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_runbook_ticks_survive_a_reload_and_reset_clears_them(page: Page, browsing: Browsing) -> None:
    """Ticking steps by click and by keyboard counts them, a reload keeps them, Reset clears them for good."""
    page.goto(RUNBOOK)
    expect_page_heading(page, "Roll back to the previous LineCtl release")
    status = page.locator(".portal-progress [role=status]")
    total = page.locator("article .portal-checklist input[type=checkbox]").count()
    expect(status).to_have_text(f"0 of {total} items ticked")
    page.locator("label").filter(has=page.get_by_text("Step 1 done", exact=True)).click()
    expect(page.get_by_label("Step 1 done", exact=True)).to_be_checked()
    tab_to(page, "input[type=checkbox]:not(:checked)")
    page.keyboard.press("Space")
    expect(status).to_have_text(f"2 of {total} items ticked")
    page.reload()
    expect(page.get_by_label("Step 1 done", exact=True)).to_be_checked()
    expect(status).to_have_text(f"2 of {total} items ticked")
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    page.get_by_role("button", name="Reset the checklist").click()
    expect(status).to_have_text(f"0 of {total} items ticked")
    page.reload()
    expect(page.get_by_label("Step 1 done", exact=True)).not_to_be_checked()
    browsing.assert_clean()


def test_runbook_prints_as_a_checklist(page: Page) -> None:
    """In print, the navigation, help link and progress bar go; the steps' boxes stay, ticked ones filled."""
    page.goto(RUNBOOK)
    page.locator("label").filter(has=page.get_by_text("Step 1 done", exact=True)).click()
    page.emulate_media(media="print")
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".portal-help")).to_be_hidden()
    expect(page.locator(".portal-progress")).to_be_hidden()
    expect(page.locator("label").filter(has=page.get_by_text("Step 1 done", exact=True))).to_be_visible()
    box = page.locator("#step-1 ~ .portal-checklist .task-list-indicator").first
    drawn = box.evaluate("el => { const s = getComputedStyle(el, '::before'); return [s.borderTopStyle, s.backgroundColor]; }")
    assert drawn == ["solid", "rgb(0, 0, 0)"]  # a ticked box prints filled
    assert len(page.pdf()) > 1000


def test_the_404_page_offers_help_with_the_missing_address(page: Page, browsing: Browsing) -> None:
    """A missing page shows the Need help link, carrying the address that was not found."""
    page.goto("/no/such/page/")
    link = page.get_by_role("link", name="Need help finding a page? Ask support")
    # the page's script adds the visit id that ties the reader's searches to a ticket (see portal.js)
    expect(link).to_have_attribute("href", re.compile(
        r"^/support/tickets/new\?page_id=not-found&page_title=Page\+not\+found&page_url=%2Fno%2Fsuch%2Fpage%2F&visit=[\w-]+$"))
    expect_no_sideways_scroll(page)
    assert [e for e in browsing.console_errors if "status of 404" not in e] == []  # the page itself is a 404
    assert browsing.outside_requests() == []


def test_rest_operation_request_sample_switches_language_and_copies(page: Page, browsing: Browsing) -> None:
    """On the Alarms reference, the keyboard picks the Python sample of an operation and the copy button copies it."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=browsing.base_url)
    page.goto("/reference/rest/line-control/alarms/")
    tabs = page.locator(".tabbed-set").first
    tabs.get_by_text("curl", exact=True).click()
    page.keyboard.press("ArrowRight")  # Material's tab labels follow the arrow keys
    python = tabs.locator(".tabbed-block").nth(1)
    expect(python).to_be_visible()
    expect(python.locator("code")).to_contain_text("import requests")
    code = python.locator("code").inner_text().strip()
    python.hover()
    python.get_by_role("button", name="Copy to clipboard").click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == code
    assert "os.environ['LINE_CONTROL_TOKEN']" in code
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    browsing.assert_clean()


def test_architecture_diagrams_render_from_the_sites_own_mermaid(page: Page, browsing: Browsing) -> None:
    """The architecture article's two Mermaid blocks become drawn diagrams; Mermaid comes from this server.
    """
    page.goto("/articles/administration/system-architecture/")
    diagrams = page.locator("article div.mermaid")
    expect(diagrams).to_have_count(2)
    for i in range(2):
        box = diagrams.nth(i).bounding_box()
        assert box and box["height"] > 50 and box["width"] > 250, box
    assert any(url.endswith("/assets/vendor/mermaid.min.js") for url in browsing.requests)
    source = page.locator("details.portal-diagram-source").first
    source.get_by_text("The diagram as text").click()
    expect(source.locator("pre")).to_contain_text("flowchart TB")
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    assert browsing.console_errors == []
    assert browsing.outside_requests() == []


def test_diagrams_draw_without_csp_refusals(page: Page, browsing: Browsing) -> None:
    """No console error at all on the diagram page: the site's CSP lets Mermaid's inline styles through."""
    page.goto("/articles/administration/system-architecture/")
    expect(page.locator("article div.mermaid")).to_have_count(2)
    browsing.assert_clean()


def test_event_reference_shows_the_alarm_stream_channels_and_messages(page: Page, browsing: Browsing) -> None:
    """From the API reference a reader reaches the alarm stream, its alarms channel and the alarm.raised example."""
    page.goto("/reference/")
    page.get_by_role("article").get_by_role("link", name="LineCtl alarm stream").click()
    expect_page_heading(page, "LineCtl alarm stream")
    page.get_by_role("article").get_by_role("link", name="alarm.raised").click()
    expect(page.get_by_role("heading", level=2, name="Message alarm.raised")).to_be_in_viewport()
    expect(page.locator("article")).to_contain_text("ALM-20260921-00417")
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    browsing.assert_clean()


VIDEO_PAGE = "/articles/operations/handling-a-station-alarm/"


def test_video_tutorial_plays_with_captions_and_chapters_from_the_keyboard(page: Page, browsing: Browsing) -> None:
    """The player shows a poster, its captions track loads, a chapter button (pressed with Enter) jumps and plays."""
    page.goto(VIDEO_PAGE)
    video = page.locator("figure.portal-video video")
    expect(video).to_be_visible()
    assert video.get_attribute("poster", timeout=1000)
    tab_to(page, "button.portal-chapter[data-seek='10']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const v = document.querySelector('figure.portal-video video');"
                           " return !v.paused && v.currentTime >= 10; }")
    cues = page.evaluate("() => { const t = document.querySelector('figure.portal-video video').textTracks[0];"
                         " return [t.kind, t.mode, t.cues ? t.cues.length : 0]; }")
    assert cues == ["captions", "showing", 8]
    page.get_by_text("Transcript of").click()
    expect(page.locator(".portal-transcript")).to_contain_text("press Alarm, then Help")
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    browsing.assert_clean()


def test_a_transcript_is_found_by_the_site_search_and_the_videos_index_links_to_it(page: Page, browsing: Browsing) -> None:
    """Words said only in the video find its article; the videos index lists it for production operators."""
    page.goto("/videos/")
    expect_page_heading(page, "Video tutorials")
    expect(page.get_by_role("heading", name="Production operator")).to_be_visible()
    expect_no_axe_violations(page)
    expect_no_sideways_scroll(page)
    box = page.get_by_role("textbox", name="Search")
    if page.viewport_size["width"] < 960:  # on a phone the search opens from the header's magnifier
        page.locator("label.md-header__button[for='__search']").click()
        expect(box).to_be_focused()
    else:
        box.click()
    box.press_sequentially("instruction card says")
    result = page.locator(".md-search-result__link").filter(has_text="Handling a station alarm").first
    expect(result).to_be_visible()
    browsing.assert_clean()

"""Docs beyond text, as a reader sees them in Chromium: runbooks as working checklists (issue 21).

Each test runs at a desktop (1366x900) and a phone (390x844) size: nothing scrolls sideways, nothing is
requested from another host, and the keyboard does what the mouse does.
"""

from __future__ import annotations

import pytest
from e2e_harness import Browsing, axe_violations, describe_violations
from playwright.sync_api import Page, expect
from steps import expect_page_heading, tab_to

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
RUNBOOK = "/runbooks/rollback/"


@pytest.fixture(params=list(SIZES))
def page(browsing: Browsing, request: pytest.FixtureRequest) -> Page:
    """A page at one of the two sizes (axe-core injected later needs the CSP bypassed)."""
    opened = browsing.new_page(bypass_csp=True)
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
    page.get_by_label("Step 1 done").check()
    tab_to(page, "input[type=checkbox]:not(:checked)")
    page.keyboard.press("Space")
    expect(status).to_have_text(f"2 of {total} items ticked")
    page.reload()
    expect(page.get_by_label("Step 1 done")).to_be_checked()
    expect(status).to_have_text(f"2 of {total} items ticked")
    expect_no_sideways_scroll(page)
    expect_no_axe_violations(page)
    page.get_by_role("button", name="Reset the checklist").click()
    expect(status).to_have_text(f"0 of {total} items ticked")
    page.reload()
    expect(page.get_by_label("Step 1 done")).not_to_be_checked()
    browsing.assert_clean()


def test_runbook_prints_as_a_checklist(page: Page) -> None:
    """In print, the navigation, help link and progress bar go; the steps' boxes stay, ticked ones filled."""
    page.goto(RUNBOOK)
    page.get_by_label("Step 1 done").check()
    page.emulate_media(media="print")
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".portal-help")).to_be_hidden()
    expect(page.locator(".portal-progress")).to_be_hidden()
    box = page.locator("#step-1 ~ .portal-checklist .task-list-indicator").first
    expect(box).to_be_visible()
    border = box.evaluate("el => getComputedStyle(el, '::before').borderTopStyle")
    assert border == "solid"
    assert len(page.pdf()) > 1000


def test_the_404_page_offers_help_with_the_missing_address(page: Page, browsing: Browsing) -> None:
    """A missing page shows the Need help link, carrying the address that was not found."""
    page.goto("/no/such/page/")
    link = page.get_by_role("link", name="Need help finding a page? Ask support")
    expect(link).to_have_attribute("href", "/support/tickets/new?page_id=not-found&page_title=Page+not+found&page_url=%2Fno%2Fsuch%2Fpage%2F")
    expect_no_sideways_scroll(page)
    browsing.assert_clean()

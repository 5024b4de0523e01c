"""Steps shared by the journeys: the things a person does that several journeys need."""

from __future__ import annotations

import re

from e2e_harness import PASSWORD
from playwright.sync_api import Page, expect


def sign_in(page: Page, email: str) -> None:
    """Sign in through the backend's login form."""
    page.goto("/support/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def expect_page_heading(page: Page, text: str | re.Pattern[str]) -> None:
    """The page's one h1 reads ``text`` (MkDocs adds a ``¶`` permalink to headings)."""
    pattern = text.pattern if isinstance(text, re.Pattern) else re.escape(text)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^\s*{pattern}\s*¶?\s*$"))


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus (only looks, never clicks)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


def create_cohort(page: Page, name: str, member_email: str) -> str:
    """A trainer creates a cohort on their training page and adds one learner by address; the cohort page's URL."""
    page.goto("/support/training")
    page.get_by_label("New cohort's name").fill(name)
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_label("Add a learner (email)").fill(member_email)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("cell", name=member_email, exact=True)).to_be_visible()
    return page.url


def assign_training(page: Page, cohort: str, due: str, role: str | None = None) -> None:
    """A trainer assigns a role's learning path (``role``, else the form's first) to ``cohort``, due on ``due``."""
    page.goto("/support/training")
    if role:
        page.get_by_label("Role's learning path").select_option(label=role)
    page.get_by_label("To a cohort").select_option(label=cohort)
    page.get_by_label("Due date").fill(due)
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#assignments")).to_contain_text(due)

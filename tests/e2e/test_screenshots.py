"""Screenshots of the main page types for the README, taken by the browser harness (``make screenshots``).

Marked ``screenshots``: they run only with ``--screenshots`` (and then alone), since they rewrite docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import ACCOUNTS, REPO, Browsing, Portal, search_site, serve_portal
from playwright.sync_api import Page, expect
from quiz_steps import answer_key, choose_right_answers, submit_for_grading
from steps import assign_training, create_cohort, sign_in

SHOTS = REPO / "docs" / "screenshots"
ROLE = "production-operator"
TRAINER = ("tom@example.com", "trainer", "Tom Trainer")
PHONE = (390, 844)
pytestmark = pytest.mark.screenshots


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The example portal with its accounts and a trainer's."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data"), extra_accounts=(TRAINER,)) as server:
        yield server


def _site(path: str) -> Callable[[Page, dict[str, Any]], None]:
    return lambda page, state: page.goto(path)


def _search(page: Page, state: dict[str, Any]) -> None:
    search_site(page, "/roles/production-operator/", "quality hold")


def _rest_reference(page: Page, state: dict[str, Any]) -> None:
    page.goto("/")
    for name in ("API reference", "LineCtl REST API", "/alarms"):
        page.get_by_role("article").get_by_role("link", name=name, exact=True).first.click()


def _request_samples(page: Page, state: dict[str, Any]) -> None:
    page.goto("/reference/rest/line-control/alarms/")
    page.locator(".tabbed-set").nth(2).scroll_into_view_if_needed()
    page.locator(".tabbed-set").nth(2).get_by_text("Python", exact=True).click()


def _video(page: Page, state: dict[str, Any]) -> None:
    page.goto("/articles/operations/handling-a-station-alarm/")
    page.get_by_text("Transcript of").click()
    page.locator("figure.portal-video").scroll_into_view_if_needed()


def _ticket_form(page: Page, state: dict[str, Any]) -> None:
    page.goto("/articles/maintenance/replacing-a-torque-sensor/")
    page.get_by_role("link", name="Need help with this page? Ask support").click()
    page.get_by_label("Subject").press_sequentially("Torque readings drift after the sensor swap")
    page.get_by_label("What happened, and what did you expect?").press_sequentially(
        "After replacing the torque sensor at S04 the daily check fails with TQ-210.")
    expect(page.locator("#suggestions .suggestion-list li").first).to_be_visible()
    page.get_by_label("Your name").fill("Tom Technician")
    page.get_by_label("Your email").fill("tom@example.com")
    state["ticket form"] = True


def _agent_ticket(page: Page, state: dict[str, Any]) -> None:
    page.get_by_role("button", name="File ticket").click()  # the form filled by the previous shot
    expect(page.get_by_text("Your ticket was filed.")).to_be_visible()
    sign_in(page, ACCOUNTS["agent"][0])
    page.get_by_role("row").get_by_role("link").first.click()
    page.get_by_label("Search the knowledge base").fill("torque")
    page.get_by_role("button", name="Search", exact=True).click()


def _quiz(page: Page, state: dict[str, Any]) -> None:
    sign_in(page, ACCOUNTS["learner"][0])
    page.goto(f"/support/assessments/{ROLE}-certification")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#quiz-form")).to_be_visible()


def _result(page: Page, state: dict[str, Any]) -> None:
    choose_right_answers(page, answer_key(ROLE))  # the attempt opened by the previous shot
    submit_for_grading(page)
    expect(page.locator("#outcome")).to_be_visible()


def _certificate(page: Page, state: dict[str, Any]) -> None:
    page.get_by_role("link", name="See your certificate").click()
    state["code"] = page.locator("dl.facts code").inner_text().strip()


# In order: some shots continue from the page the previous one left (one browser page for all).
SCREENSHOTS: list[tuple[str, Callable[[Page, dict[str, Any]], None]]] = [
    ("home", _site("/")),
    ("role-page", _site(f"/roles/{ROLE}/")),
    ("runbook", _site("/runbooks/rollback/")),
    ("kb-index", _site("/kb/")),
    ("search", _search),
    ("rest-reference", _rest_reference),
    ("request-samples", _request_samples),
    ("video-tutorial", _video),
    ("ticket-form", _ticket_form),
    ("agent-ticket", _agent_ticket),
    ("quiz-attempt", _quiz),
    ("quiz-result", _result),
    ("certificate", _certificate),
    ("verification", lambda page, state: page.goto(f"/verify/{state['code']}")),
    ("learner-dashboard", _site("/support/me")),
]


def _training_report(page: Page) -> None:
    """A trainer's cohort with the learner who passed above, assigned the role: the report of completion and proficiency."""
    sign_in(page, TRAINER[0])
    create_cohort(page, "Night shift, Line 2", ACCOUNTS["learner"][0])
    assign_training(page, "Night shift, Line 2", "2099-12-31", role="Production operator")
    page.goto("/support/training/report")


def _phone_queue(page: Page) -> None:
    sign_in(page, ACCOUNTS["agent"][0])
    page.goto("/support/queue")


# Taken on a phone-sized page of their own (390x844), each after the desk shots above.
PHONE_SHOTS: list[tuple[str, Callable[[Page], None]]] = [
    ("phone-ticket-form", lambda page: page.goto("/support/tickets/new?page_title=Replacing+a+torque+sensor"
                                                "&page_url=articles/maintenance/replacing-a-torque-sensor/")),
    ("phone-queue", _phone_queue),
]


def test_refresh_readme_screenshots(browsing: Browsing) -> None:
    """Each main page type is captured at 1280x900 into docs/screenshots/<name>.png; the trainer's report and two
    pages on a phone (390x844) after them. No page scrolls sideways on the phone."""
    page = browsing.new_page()
    state: dict[str, Any] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, visit in SCREENSHOTS:
        visit(page, state)
        page.wait_for_load_state("networkidle")
        _capture(page, SHOTS / f"{name}.png")
    trainer = browsing.new_page()
    _training_report(trainer)
    _capture(trainer, SHOTS / "training-report.png")
    for name, visit in PHONE_SHOTS:
        phone = browsing.new_page(viewport=PHONE)
        visit(phone)
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("() => document.documentElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways"
        _capture(phone, SHOTS / f"{name}.png")
    browsing.assert_clean()


def _capture(page: Page, path: Path) -> None:
    page.mouse.move(0, 0)  # no hover effects or focus rings in the picture
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(path), animations="disabled", caret="hide")

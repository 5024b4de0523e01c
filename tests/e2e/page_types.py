"""Every page type of the site and the backend, with the accounts and data that put something on each:
shared by the accessibility and the phone-layout tests."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import ACCOUNTS, Portal, search_site, serve_portal
from playwright.sync_api import Browser, Page, expect
from quiz_steps import answer_key, choose_right_answers, choose_wrong_answers, submit_for_grading
from steps import assign_training, create_cohort, sign_in

ROLE = "production-operator"
QUIZ = f"{ROLE}-certification"
OTHER_QUIZ = "developer-certification"
SECOND_LEARNER = ("kim@example.com", "requester", "Kim Keyboard")
ADMIN = ("ada@example.com", "admin", "Ada Admin")
TRAINER = ("tom@example.com", "trainer", "Tom Trainer")  # issue 18
Visit = Callable[[Page, dict[str, Any]], None]
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The portal, with a second learner and an administrator besides the usual accounts."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data"), extra_accounts=(SECOND_LEARNER, ADMIN, TRAINER)) as server:
        yield server


@pytest.fixture(scope="module")
def world(portal: Portal, browser: Browser) -> dict[str, Any]:
    """Something on every page: a ticket with a reply, a passed and a failed attempt, an open one, a certificate."""
    with portal.client() as client:
        filed = client.post("/api/tickets", json={
            "subject": "Station S06 alarm will not clear", "requester_email": "paul@example.com", "requester_name": "Paul Packer",
            "description": "The vision station alarm comes back right after I acknowledge it.",
            "page_id": "handling-a-station-alarm", "page_title": "Handling a station alarm",
            "page_url": "articles/operations/handling-a-station-alarm/"}).json()
        csrf = client.get("/api/session").json()["csrf_token"]  # issue 17: a photo on the ticket's pages
        client.post(f"/api/t/{filed['token']}/attachments", data={"csrf_token": csrf}, files=[("file", ("alarm.png", PIXEL))])
    world: dict[str, Any] = {"token": filed["token"], "ticket_id": filed["ticket"]["id"], "states": {}}
    for who, email in (("agent", ACCOUNTS["agent"][0]), ("learner", ACCOUNTS["learner"][0]),
                       ("second learner", SECOND_LEARNER[0]), ("admin", ADMIN[0]), ("trainer", TRAINER[0])):
        context = browser.new_context(base_url=portal.url)
        page = context.new_page()
        sign_in(page, email)
        if who == "agent":
            _reply(page, world["ticket_id"])
        elif who == "learner":
            _file_signed_in(page)
            world.update(_pass_assessment(page))
        elif who == "second learner":
            world.update(_fail_one_and_open_another(page))
        elif who == "trainer":
            world.update(_cohort_with_training(page))
        world["states"][who] = context.storage_state()
        context.close()
    return world


def _reply(page: Page, ticket_id: int) -> None:
    page.goto(f"/support/tickets/{ticket_id}")
    page.get_by_label("Message").fill("Please send a photo of the alarm screen.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#latest")).to_be_visible()


def _file_signed_in(page: Page) -> None:
    page.goto("/support/tickets/new")
    page.get_by_label("Subject").fill("Label printer at S02 prints blank labels")
    page.get_by_label("What happened, and what did you expect?").fill("Since this morning every label comes out blank.")
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_text("Your ticket was filed.")).to_be_visible()


def _start(page: Page, quiz: str) -> None:
    page.goto(f"/support/assessments/{quiz}")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#quiz-form")).to_be_visible()


def _pass_assessment(page: Page) -> dict[str, str]:
    _start(page, QUIZ)
    choose_right_answers(page, answer_key(ROLE))
    submit_for_grading(page)
    passed_result = page.url
    page.get_by_role("link", name="See your certificate").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as an Open Badges 3.0 credential").click()
    return {"passed result": passed_result, "certificate": page.url,
            "code": page.locator("dl.facts code").inner_text().strip(),
            "credential": Path(download.value.path()).read_text(encoding="utf-8")}


def _fail_one_and_open_another(page: Page) -> dict[str, str]:
    _start(page, QUIZ)
    choose_wrong_answers(page, answer_key(ROLE))
    submit_for_grading(page)
    failed_result = page.url
    _start(page, OTHER_QUIZ)
    return {"failed result": failed_result, "attempt": page.url}


def _cohort_with_training(page: Page) -> dict[str, str]:
    """A cohort with the learner in it and the role assigned to it (issue 18's trainer pages)."""
    cohort = create_cohort(page, "Night shift, Line 2", ACCOUNTS["learner"][0])
    assign_training(page, "Night shift, Line 2", "2099-12-31")
    return {"cohort": cohort}


def _go(path: str) -> Visit:
    return lambda page, world: page.goto(path)


def _go_to(key: str) -> Visit:
    return lambda page, world: page.goto(world[key])


def _follow(links: list[str], heading: str) -> Visit:
    """From the home page, follow links by their text to the page titled ``heading``, as a reader does."""
    def visit(page: Page, world: dict[str, Any]) -> None:
        page.goto("/")
        for name in links:
            page.get_by_role("article").get_by_role("link", name=name, exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    return visit


def _suggestions_shown(page: Page, world: dict[str, Any]) -> None:
    page.goto("/support/tickets/new?page_id=handling-a-station-alarm&page_title=Handling+a+station+alarm"
              "&page_url=articles%2Foperations%2Fhandling-a-station-alarm%2F")
    page.get_by_label("What happened").press_sequentially("The torque sensor reading drifts after calibration")
    expect(page.locator("#suggestions .suggestion-list li").first).to_be_visible()


def _credential_checked(page: Page, world: dict[str, Any]) -> None:
    page.goto("/verify")
    page.get_by_label("Paste the credential").fill(world["credential"])
    page.get_by_role("button", name="Verify the credential").click()
    expect(page.locator("#verdict")).to_contain_text("signature, dates and revocation status check out")


def _search_results(page: Page, world: dict[str, Any]) -> None:
    search_site(page, "/", "alarm")


def _search_no_good_match(page: Page, world: dict[str, Any]) -> None:
    search_site(page, "/", "where is the canteen menu")
    expect(page.get_by_role("heading", name="No good match: ask the support team")).to_be_visible()


PAGES: dict[str, tuple[str | None, Visit]] = {
    # the site
    "home": (None, _go("/")),
    "roles index": (None, _go("/roles/")),
    "role page": (None, _go(f"/roles/{ROLE}/")),
    "article": (None, _go("/articles/operations/handling-a-station-alarm/")),
    "runbooks index": (None, _go("/runbooks/")),
    "runbook": (None, _go("/runbooks/rollback/")),
    "KB index": (None, _go("/kb/")),
    "search results": (None, _search_results),
    "search results, no good match": (None, _search_no_good_match),
    "API reference index": (None, _follow(["API reference"], "API reference")),
    "REST reference": (None, _follow(["API reference", "LineCtl REST API", "/alarms"], "Alarms")),
    "Python reference": (None, _follow(["API reference", "linectl.client"], "linectl.client")),
    "assessments index (site)": (None, _go("/assessments/")),
    "quiz page (site)": (None, _go(f"/assessments/{QUIZ}/")),
    "site 404": (None, _go("/no-such-page/")),
    "glossary": (None, _go("/glossary/")),
    "article with a video": (None, _go("/articles/operations/handling-a-station-alarm/")),
    "videos index": (None, _go("/videos/")),
    "article with diagrams": (None, _go("/articles/administration/system-architecture/")),
    "event reference index": (None, _follow(["API reference", "LineCtl alarm stream"], "LineCtl alarm stream")),
    "event channel": (None, _go("/reference/events/line-control-events/alarms/")),
    "new runbook (incident communication)": (None, _go("/runbooks/incident-communication/")),
    # support
    "support home": (None, _go("/support/")),
    "login": (None, _go("/support/login")),
    "ticket form with suggestions": (None, _suggestions_shown),
    "private ticket view": (None, lambda page, world: page.goto(f"/support/t/{world['token']}")),
    "backend 404": (None, _go("/support/no-such-page")),
    "my tickets": ("learner", _go("/support/my")),
    "account": ("learner", _go("/support/account")),
    "agent queue": ("agent", _go("/support/queue")),
    "agent queue filtered": ("agent", _go("/support/queue?status=all&priority=&assignee=none&sort=newest&q=S06")),
    "articles (agent)": ("agent", _go("/support/articles")),
    "article page (agent)": ("agent", _go("/support/articles/handling-a-station-alarm")),
    "agent ticket view": ("agent", lambda page, world: page.goto(f"/support/tickets/{world['ticket_id']}?kbq=alarm")),
    "reports": ("agent", _go("/support/reports")),
    "canned replies (agent)": ("agent", _go("/support/replies")),
    # mail (issue 15)
    "mail choices (agent)": ("agent", _go("/support/account/mail")),
    "satisfaction report (range)": ("agent", _go("/support/reports/satisfaction?from=2026-01-01")),
    "outbox (admin)": ("admin", _go("/support/admin/outbox")),
    "outbox message (admin)": ("admin", _go("/support/admin/outbox/1")),  # a receipt: long links in both bodies
    "users (admin)": ("admin", _go("/support/admin/users")),
    # issue 17 items 6 and 9: a queue by tag, reports over a range and with a bad date
    "agent queue by tag": ("agent", _go("/support/queue?tag=line-4&saved=1")),
    "reports over a range": ("agent", _go("/support/reports?from=2020-01-01&to=2030-12-31")),
    "reports with a bad date": ("agent", _go("/support/reports?from=2026-13-45&to=2026-01-01")),
    # issue 17, item 8: a refused form's error summary, and a user's name and password forms opened
    "ticket form with errors": (None, lambda page, world: (page.goto("/support/tickets/new"),
                                                          page.get_by_role("button", name="File ticket").click())),
    "users (admin), a row opened": ("admin", lambda page, world: (page.goto("/support/admin/users"),
                                                                  page.locator(".edit-user summary").first.click())),
    # assessments
    "quiz rules": ("second learner", _go(f"/support/assessments/{QUIZ}")),
    "quiz attempt": ("second learner", _go_to("attempt")),
    "quiz result (failed)": ("second learner", _go_to("failed result")),
    "quiz result (passed)": ("learner", _go_to("passed result")),
    "certificate": ("learner", _go_to("certificate")),
    "learner dashboard": ("learner", _go("/support/me")),
    "verification page": (None, lambda page, world: page.goto(f"/verify/{world['code']}")),
    "certifications (agent)": ("agent", _go("/support/certifications")),
    "assessments index": ("learner", _go("/support/assessments")),
    "assessment reports (admin)": ("admin", _go("/support/assessment-reports")),
    "quiz report (admin)": ("admin", _go(f"/support/assessment-reports/{QUIZ}")),
    # training (issue 18)
    "training (trainer)": ("trainer", _go("/support/training")),
    "cohort (trainer)": ("trainer", _go_to("cohort")),
    "training report (trainer)": ("trainer", _go("/support/training/report")),
    # issue 18, items 6-7: the step before submission, extra time, a credential checked
    "quiz review before submitting": ("second learner", lambda page, world: page.goto(world["attempt"] + "/review")),
    "extra time (admin)": ("admin", _go("/support/accommodations")),
    "credential verified": (None, _credential_checked),
}

"""Journey of a learner: the role's assessment failed, retaken after the wait, passed, certified and verified."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import ACCOUNTS, Browsing, Portal, serve_portal
from playwright.sync_api import Page, expect
from quiz_steps import answer_key, answer_right_with_keyboard, choose_right_answers, choose_wrong_answers, submit_for_grading
from steps import expect_page_heading, sign_in, tab_to

ROLE, ROLE_TITLE = "production-operator", "Production operator"
QUIZ_TITLE = "Production operator certification"
RETAKE_WAIT_SECONDS = 24 * 3600
KEYBOARD_LEARNER = ("kim@example.com", "requester", "Kim Keyboard")


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seconds the server's clock runs ahead of real time (see serve_with_clock.py)."""
    return tmp_path_factory.mktemp("clock") / "offset-seconds"


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Portal]:
    """The portal served with a clock the journey can move past the retake wait."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data"), clock_file, (KEYBOARD_LEARNER,)) as server:
        yield server


def test_learner_fails_retakes_after_the_wait_passes_and_the_certificate_verifies(browsing: Browsing, clock_file: Path) -> None:
    """Sign in, fail the role's assessment, pass it after the retake wait, then verify the certificate signed out."""
    page = browsing.new_page()
    key = answer_key(ROLE)
    sign_in(page, ACCOUNTS["learner"][0])

    start_assessment_from_role_page(page)
    choose_wrong_answers(page, key)
    submit_and_expect(page, passed=False)
    expect(page.locator(".notice")).to_contain_text("the rules ask for 24 hours between attempts")

    clock_file.write_text(str(RETAKE_WAIT_SECONDS + 3600))
    start_again_from_rules_page(page)
    choose_right_answers(page, key)
    submit_and_expect(page, passed=True)
    code = open_certificate(page)

    sign_out(page)
    verify_certificate_by_code(page, code)
    browsing.assert_clean()


def test_assessment_can_be_answered_and_submitted_with_the_keyboard_alone(browsing: Browsing) -> None:
    """Every question type is answered with Tab, arrows, Space and typing; Space flags the last question; Enter opens the
    summary (all answered, one flagged; the flag kept by autosave across a reload), and Enter on its confirmation submits the attempt."""
    page = browsing.new_page()
    sign_in(page, KEYBOARD_LEARNER[0])
    page.goto(f"/support/assessments/{ROLE}-certification")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#quiz-form")).to_be_visible()

    key = answer_key(ROLE)
    answer_right_with_keyboard(page, key)
    tab_to(page, 'input[name="flag"]')  # the flag of the last question answered
    with page.expect_response(lambda r: r.url.endswith("/answers") and r.request.method == "PUT") as saved:
        page.keyboard.press("Space")  # autosave keeps the flag, as it keeps answers
    assert saved.value.ok  # the page, reloaded, shows what the server kept
    page.reload()
    expect(page.locator('input[name="flag"]:checked')).to_have_count(1)
    total = page.locator("fieldset[data-question]").count()
    tab_to(page, "button[value=review]", limit=200)  # from the top of the reloaded page
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before submitting")
    expect(page.locator("#summary")).to_contain_text(f"You answered {total} of {total} questions. None unanswered, 1 flagged.")
    expect(page.get_by_role("heading", name="Flagged to come back to")).to_be_visible()
    tab_to(page, "#confirm-submit")
    page.keyboard.press("Enter")

    expect(page.locator("#outcome")).to_contain_text(re.compile(r"Passed: you scored 100(\.0)?%"))
    browsing.assert_clean()


def start_assessment_from_role_page(page: Page) -> None:
    page.goto(f"/roles/{ROLE}/")
    expect_page_heading(page, ROLE_TITLE)
    page.get_by_role("article").get_by_role("link", name=QUIZ_TITLE).last.click()
    expect_page_heading(page, QUIZ_TITLE)
    page.get_by_role("link", name="Start the assessment").click()
    expect_page_heading(page, QUIZ_TITLE)  # the backend's rules page
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#quiz-form fieldset[data-question]")).not_to_have_count(0)
    expect(page.get_by_text("Attempt 1 ·")).to_be_visible()


def submit_and_expect(page: Page, passed: bool) -> None:
    submit_for_grading(page)
    expect_page_heading(page, f"Result: {QUIZ_TITLE}")
    expect(page.locator("#outcome")).to_contain_text("Passed" if passed else "Not passed")


def start_again_from_rules_page(page: Page) -> None:
    page.goto(f"/support/assessments/{ROLE}-certification")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Attempt 2 ·")).to_be_visible()


def open_certificate(page: Page) -> str:
    """Follow the result's certificate link; returns the verification code shown."""
    box = page.locator(".certificate-box")
    expect(box.get_by_role("heading")).to_contain_text("Certificate issued")
    box.get_by_role("link", name="See your certificate").click()
    expect(page.locator(".cert-status")).to_contain_text("Valid")
    expect(page.locator("dl.facts")).to_contain_text(ACCOUNTS["learner"][2])
    code = page.locator("dl.facts code").inner_text().strip()
    assert re.fullmatch(r"[\w-]{6,}", code), code
    return code


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Support").get_by_role("link", name="Sign in")).to_be_visible()


def verify_certificate_by_code(page: Page, code: str) -> None:
    page.goto("/verify")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Valid")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(ACCOUNTS["learner"][2])
    expect(facts).to_contain_text(ROLE_TITLE)

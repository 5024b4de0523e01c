"""Journey of a trainer (issue 18): a cohort, a role assigned with a due date, the learner reads the path's articles on
the site and passes, and the training report shows completion and time to proficiency; the retention check page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import ACCOUNTS, Browsing, Portal, axe_violations, describe_violations, serve_portal
from playwright.sync_api import Page, expect
from quiz_steps import answer_key, choose_right_answers, submit_for_grading
from steps import assign_training, create_cohort, sign_in

ROLE = "production-operator"
TRAINER = ("tom@example.com", "trainer", "Tom Trainer")
COHORT = "Night shift, Line 2"
DAY = 24 * 3600


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seconds the server's clock runs ahead of real time (see serve_with_clock.py)."""
    return tmp_path_factory.mktemp("clock") / "offset-seconds"


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Portal]:
    """The portal with a trainer, served with a clock the journey moves."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data"), clock_file, (TRAINER,)) as server:
        yield server


def no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {describe_violations(violations)}"


def test_trainer_assigns_learner_reads_and_passes_report_shows_completion(browsing: Browsing, clock_file: Path) -> None:
    """Create a cohort, assign the role due in a week, the learner reads on the site and passes 3 days later: 100 %, 3 days."""
    trainer = browsing.new_page(bypass_csp=True)
    sign_in(trainer, TRAINER[0])
    expect(trainer.get_by_role("link", name="Queue")).to_have_count(0)
    create_cohort(trainer, COHORT, ACCOUNTS["learner"][0])
    no_axe_violations(trainer)
    assign_training(trainer, COHORT, "2099-12-31", role="Production operator")
    no_axe_violations(trainer)

    learner = browsing.new_page()
    sign_in(learner, ACCOUNTS["learner"][0])
    learner.goto("/support/me")
    expect(learner.locator("#roles")).to_contain_text("Training assigned to me")
    for title in ("Start-of-shift checklist", "Starting and stopping a line"):
        with learner.expect_response(re.compile(r"/api/me/reads$")) as read:
            learner.get_by_role("link", name=re.compile(title, re.I)).first.click()
        assert read.value.ok
        learner.goto("/support/me")
    expect(learner.locator("#roles")).to_contain_text("2 of 8 steps done")

    clock_file.write_text(str(3 * DAY))
    learner.goto(f"/support/assessments/{ROLE}-certification")
    learner.get_by_role("button", name="Start the assessment").click()
    choose_right_answers(learner, answer_key(ROLE))
    submit_for_grading(learner)
    expect(learner.locator("#outcome")).to_contain_text("Passed")
    learner.goto("/support/me")
    expect(learner.locator("#roles")).to_contain_text("8 of 8 steps done")

    trainer.goto("/support/training/report")
    summary = trainer.locator("#training_summary")
    expect(summary).to_contain_text(COHORT)
    expect(summary.locator("td[data-label='completion rate']")).to_contain_text("100.0 %")
    expect(summary.locator("td[data-label='proficiency median days']")).to_contain_text("3.0 days")
    no_axe_violations(trainer)
    trainer.set_viewport_size({"width": 390, "height": 844})
    assert trainer.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

    clock_file.write_text(str(34 * DAY))  # 31 days after the certificate: its retention check is offered
    learner = browsing.new_page(bypass_csp=True)
    sign_in(learner, ACCOUNTS["learner"][0])
    learner.goto("/support/me")
    learner.locator("#retention-offer").get_by_role("link").first.click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Retention check")
    no_axe_violations(learner)
    learner.set_viewport_size({"width": 390, "height": 844})
    assert learner.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    learner.get_by_role("button", name="Submit the check").click()  # nothing answered: everything forgotten
    expect(learner.locator("#result")).to_contain_text("You still knew 0 %")
    no_axe_violations(learner)

    trainer = browsing.new_page(bypass_csp=True)
    sign_in(trainer, TRAINER[0])
    trainer.goto("/support/training/report")
    expect(trainer.locator("#training_summary td[data-label='retention rate']")).to_contain_text("0.0 %")
    expect(trainer.locator("#retention_forgotten")).to_be_visible()
    no_axe_violations(trainer)
    browsing.assert_clean()

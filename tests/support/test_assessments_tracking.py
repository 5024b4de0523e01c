"""Tracking for managers, reports for admins (pass rate, score distribution, item analysis), the learner's dashboard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assessments_harness import ALL_TYPES, assess, begin, learner, load_quiz, right_answers, running, submit  # noqa: F401
from support.cli import register
from support_harness import Live

QUIZ = load_quiz(ALL_TYPES)
ROLES = ("anon", "learner", "agent", "admin")
ACCESS = [
    ("/support/me", (303, 200, 200, 200)),
    ("/api/me/learning", (401, 200, 200, 200)),
    ("/support/certifications", (303, 403, 200, 200)),
    ("/support/certifications/expiring.csv", (303, 403, 200, 200)),
    ("/api/certifications", (401, 403, 200, 200)),
    ("/support/assessment-reports", (303, 403, 403, 200)),
    ("/support/assessment-reports/all-types", (303, 403, 403, 200)),
    ("/support/assessment-reports/all-types-items.csv", (303, 403, 403, 200)),
    ("/api/reports/assessments", (401, 403, 403, 200)),
    ("/api/reports/assessments/all-types", (401, 403, 403, 200)),
]
ANALYSIS = """
id: analysis
title: Item analysis check
role: production-operator
pass_mark: 70
review: score
questions:
  - {id: q1, type: true-false, prompt: One?, answer: true}
  - {id: q2, type: true-false, prompt: Two?, answer: true, points: 2,
     teaches: {article: starting-and-stopping-a-line, section: stop-types}}
  - id: q3
    type: multiple
    scoring: partial
    points: 3
    prompt: Three?
    options: [{id: a, text: A, correct: true}, {id: b, text: B, correct: true}, {id: c, text: C}]
"""


@click.group()
def portal() -> None:
    """Stand-in for the ``portal`` command group."""


register(portal)


def test_managers_see_tracking_admins_see_reports_learners_see_their_own(assess: Live) -> None:
    """Each role gets the expected status from each tracking, report and dashboard page."""
    browsers = {"anon": assess.client(), "learner": learner(assess, "olga@example.com"),
                "agent": learner(assess, "alex@example.com", "agent"), "admin": learner(assess, "ada@example.com", "admin")}
    for url, expected in ACCESS:
        got = tuple(browsers[role].get(url).status_code for role in ROLES)
        assert got == expected, url


def test_tracking_sorts_learners_into_certified_expiring_expired_and_never(assess: Live) -> None:
    """Per role: a fresh certificate, one ending within N days, an expired one, a failed learner and one who only picked the role."""
    def passes(email: str) -> None:
        browser = learner(assess, email)
        attempt = begin(browser)
        submit(browser, attempt, right_answers(QUIZ, attempt))
    passes("cleo@example.com")
    assess.clock.advance(days=30)
    passes("bert@example.com")
    assess.clock.advance(days=340)
    passes("anna@example.com")
    dora = learner(assess, "dora@example.com")
    submit(dora, begin(dora), {})
    eric = learner(assess, "eric@example.com")
    assert eric.form("/support/me/roles", {"role": ["production-operator"]}).status_code == 303
    agent = learner(assess, "alex@example.com", "agent")
    rows = agent.get("/api/certifications").json()["roles"][0]["rows"]
    assert [(r["learner"], r["status"], r["days_left"]) for r in rows] == [
        ("Cleo", "expired", -5), ("Bert", "expiring", 25), ("Dora", "never certified", ""), ("Eric", "never certified", ""),
        ("Anna", "certified", 365)]
    narrow = agent.get("/api/certifications", params={"expiring": 10}).json()["roles"][0]["counts"]
    assert narrow == {"expired": 1, "expiring": 0, "never certified": 2, "certified": 2}
    page = agent.get("/support/certifications").text
    assert "1 certified, 1 expiring within 30 days, 1 expired, 2 never certified" in page
    exported = list(csv.reader(io.StringIO(agent.get("/support/certifications/expiring.csv").text)))
    assert exported[0][:4] == ["role", "learner", "email", "status"] and [r[1] for r in exported[1:]] == ["Bert"]
    out = CliRunner().invoke(portal, ["report", "certifications", "--expiring", "30", "--kb", str(assess.app.state.settings.kb_file),
                                      "--portal-dir", str(Path(__file__).resolve().parents[2]), "--data-dir", str(assess.data_dir)])
    assert out.exit_code == 0, out.output
    assert "Certificates expiring within 30 days" in out.output and "bert@example.com" in out.output


def test_item_analysis_on_a_known_set_of_first_attempts(tmp_path: Path) -> None:
    """Facility and discrimination over first attempts only, pass rates, distribution and the most-missed question's article."""
    patterns = {"a": {"q1": False, "q2": True, "q3": ["a", "b"]},   # 5 of 6 points: 83.3
                "b": {"q1": True, "q2": False, "q3": ["a", "b"]},   # 4 of 6: 66.7
                "c": {"q1": True, "q2": True, "q3": ["a", "c"]},    # 1 + 2 + 0 = 3 of 6: 50
                "d": {"q1": True}}                                  # 1 of 6: 16.7
    with running(tmp_path, {"analysis": ANALYSIS}) as live:
        for name, answers in patterns.items():
            browser = learner(live, f"{name}@example.com")
            submit(browser, begin(browser, "analysis"), answers)
        submit(browser, begin(browser, "analysis"), {"q1": True, "q2": True, "q3": ["a", "b"]})  # d's retake: not a first attempt
        admin = learner(live, "ada@example.com", "admin")
        report = admin.get("/api/reports/assessments/analysis").json()
        items = [dict(zip(report["items"]["columns"], row)) for row in report["items"]["rows"]]
        assert [(i["question"], i["responses"], i["facility"], i["discrimination"]) for i in items] == [
            ("q2", 4, 0.5, 1.0), ("q3", 4, 0.5, 1.0), ("q1", 4, 0.75, -1.0)]
        assert items[0]["teaches_url"] == "articles/operations/starting-and-stopping-a-line/#stop-types"
        scores = dict(report["scores"]["rows"])
        assert (scores["10–20%"], scores["50–60%"], scores["60–70%"], scores["80–90%"], scores["90–100%"]) == (1, 1, 1, 1, 1)
        summary = admin.get("/api/reports/assessments").json()
        row = dict(zip(summary["columns"], next(r for r in summary["rows"] if r[0] == "analysis")))
        assert (row["attempts"], row["learners"], row["passed"], row["pass_rate_pct"], row["first_attempt_pass_rate_pct"],
                row["mean_score"]) == (5, 4, 2, 40.0, 25.0, 63.3)
        page = admin.get("/support/assessment-reports/analysis").text
        assert '<a href="/articles/operations/starting-and-stopping-a-line/#stop-types">Starting and stopping a line</a>' in page
        assert "<svg" in page and "<desc" in page
        exported = list(csv.reader(io.StringIO(admin.get("/support/assessment-reports/analysis-items.csv").text)))
        assert exported[0][:5] == ["question", "type", "responses", "facility", "discrimination"] and len(exported) == 4


@pytest.mark.parametrize("read", [True, False])
def test_dashboard_shows_the_learning_path_with_progress(assess: Live, read: bool) -> None:
    """A learner who picked a role sees its learning path; marking an article read and passing the assessment count as done."""
    olga = learner(assess, "olga@example.com")
    olga.form("/support/me/roles", {"role": ["production-operator"]})
    if read:
        assert olga.form("/support/me/read", {"page": "start-of-shift-checklist"}).status_code == 303
    role = olga.get("/api/me/learning").json()["roles"][0]
    assert (role["id"], len(role["steps"]), role["done"]) == ("production-operator", 8, int(read))
    assert role["steps"][0]["url"] == "articles/operations/start-of-shift-checklist/"
    assert role["steps"][-1] == {"kind": "assessment", "id": "production-operator-certification", "title": "Production operator certification",
                                 "url": "/support/assessments/production-operator-certification", "note": role["steps"][-1]["note"],
                                 "done": False, "external": False, "by": None}
    page = olga.get("/support/me").text
    assert f"{int(read)} of 8 steps done." in page

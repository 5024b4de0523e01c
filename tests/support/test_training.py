"""Training (issue 18): the trainer role kept out of the agents' pages, cohorts and assignments, reads from the site,
the training report with CSV, the retention check with the test clock, and the training reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from fastapi.routing import APIRoute

from assessments_harness import OPERATOR, assess, learner, load_quiz, right_answers, begin, start, submit, REPO  # noqa: F401
from support.assessments import service
from support.notifications import compose
from support.app import ROUTERS
from support.web import deps
from support_harness import Live, csrf_from, stop_server

QUIZ = load_quiz(REPO / "quizzes" / "production-operator" / "certification.yml")


def agent_routes() -> list[APIRoute]:
    """Every route of the app's routers that requires an agent."""
    return [route for module in ROUTERS for route in module.router.routes
            if isinstance(route, APIRoute) and any(d.call is deps.agent for d in route.dependant.dependencies)]


def concrete(path: str) -> str:
    """A route path with each parameter filled in (1 for ids, a word otherwise)."""
    return re.sub(r"\{[^}]*(id)\}", "1", re.sub(r"\{(?![^}]*id\})[^}]*\}", "x", path))


def test_a_trainer_is_refused_by_every_agent_route(assess: Live) -> None:
    """Each route that needs an agent answers 403 to a signed-in trainer; the trainer's own page answers 200."""
    trainer = learner(assess, "tina@example.com", role="trainer")
    routes = agent_routes()
    assert len(routes) > 15
    for route in routes:
        method = sorted(route.methods)[0]
        response = trainer.request(method, concrete(route.path), headers={"x-csrf-token": trainer.csrf()},
                                   data={"csrf_token": trainer.csrf()} if method == "POST" and not route.path.startswith("/api") else None)
        assert response.status_code == 403, (method, route.path, response.status_code)
    assert trainer.get("/support/training").status_code == 200
    assert trainer.get("/support/queue").status_code == 403
    assert learner(assess, "ray@example.com").get("/support/training").status_code == 403


def test_trainer_assigns_a_role_learner_reads_passes_and_the_report_shows_it(assess: Live) -> None:
    """A cohort, an assignment due in 10 days, reads recorded from the site, a pass: 100 % completion and 2 days to proficiency."""
    trainer = learner(assess, "tina@example.com", role="trainer")
    olga = learner(assess, "olga@example.com", name="Olga Operator")
    made = trainer.form("/support/training/cohorts", {"name": "Night shift, Line 2"})
    assert made.status_code == 303
    cohort = made.headers["location"]
    assert trainer.form(f"{cohort}/members", {"email": "nobody@example.com"}).status_code == 422
    assert trainer.form(f"{cohort}/members", {"email": "olga@example.com"}).status_code == 303
    due_day = (assess.clock().date() + dt.timedelta(days=10)).isoformat()
    bad = trainer.form("/support/training/assignments", {"role": "production-operator", "cohort": cohort.rsplit("/", 1)[1], "due": "soon"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    assert trainer.form("/support/training/assignments", {"role": "production-operator", "cohort": cohort.rsplit("/", 1)[1],
                                                          "due": due_day}).status_code == 303
    assert assess.client().post("/api/me/reads", json={"path": "/articles/operations/starting-and-stopping-a-line/"}).status_code == 401
    read = olga.api("POST", "/api/me/reads", {"path": "/articles/production/starting-and-stopping-a-line/"})
    assert read.status_code == 200
    me = olga.get("/api/me/learning").json()
    assert me["assignments"][0]["status"] == "open"
    assess.clock.advance(days=2)
    attempt = begin(olga, OPERATOR)
    assert submit(olga, attempt, right_answers(QUIZ, attempt))["passed"]
    me = olga.get("/api/me/learning").json()
    role = next(r for r in me["roles"] if r["id"] == "production-operator")
    assert role["certified"] and role["done"] == len(role["steps"])
    assert me["assignments"][0]["status"] == "done"
    page = trainer.get("/support/training/report")
    assert page.status_code == 200 and "Night shift, Line 2" in page.text and "target &gt; 90 %" in page.text
    rows = list(csv.DictReader(io.StringIO(trainer.get("/support/training/report/training_summary.csv").text)))
    assert rows[0]["completion_rate"] == "100.0" and rows[0]["first_attempt_pass_rate"] == "100.0"
    assert rows[0]["proficiency_median_days"] == "2.0"
    bad = trainer.get("/support/training/report?from=yesterday")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text and "expected a date as YYYY-MM-DD" in bad.text
    backwards = trainer.get("/support/training/report?from=2026-11-30&to=2026-11-01")
    assert backwards.status_code == 422 and "is before from (2026-11-30)" in backwards.text
    assert trainer.get("/support/training/report/training_summary.csv?to=2026-13-01").status_code == 422
    ranged = trainer.get("/support/training/report?from=2026-01-01&to=2026-01-31")
    assert ranged.status_code == 200 and 'value="2026-01-01"' in ranged.text and 'value="2026-01-31"' in ranged.text


def test_retention_check_offered_after_30_days_graded_and_reported(assess: Live) -> None:
    """Not before 30 days; then a check without keys, graded, not an attempt; the report shows the rate and what was forgotten."""
    trainer = learner(assess, "tina@example.com", role="trainer")
    olga = learner(assess, "olga@example.com")
    olga_id = assess.app.state.store.one("SELECT id FROM users WHERE email = 'olga@example.com'")["id"]
    trainer.form("/support/training/assignments", {"role": "production-operator", "email": "olga@example.com", "due": "2099-01-01"})
    attempt = begin(olga, OPERATOR)
    cert = submit(olga, attempt, right_answers(QUIZ, attempt))["certificate"]
    assert olga.get(f"/support/retention/{cert['id']}").status_code == 409
    assess.clock.advance(days=30)
    olga.login("olga@example.com")  # the session of 30 days ago has ended
    trainer.login("tina@example.com")
    assert "retention-offer" in olga.get("/support/me").text
    page = olga.get(f"/support/retention/{cert['id']}")
    assert page.status_code == 200
    for question in QUIZ.questions:  # no key of any kind reaches the learner before submission
        for item in getattr(question, "questions", [question]):
            if getattr(item, "explanation", None):
                assert item.explanation not in page.text
    answered = olga.post(f"/support/retention/{cert['id']}", data={"csrf_token": csrf_from(page.text)})
    assert answered.status_code == 303
    done = olga.get(f"/support/retention/{cert['id']}")
    assert "You still knew <strong>0 %</strong>" in done.text
    attempts = assess.app.state.store.one("SELECT count(*) AS n FROM attempts WHERE user_id = ?", [olga_id])["n"]
    check = assess.app.state.store.one("SELECT * FROM retention_checks WHERE certificate_id = ?", [cert["id"]])
    assert attempts == 1 and check["submitted_at"] and check["score"] == 0  # graded, and no certification attempt
    assert olga.post(f"/support/retention/{cert['id']}", data={"csrf_token": csrf_from(page.text)}).status_code == 409  # once
    rows = list(csv.DictReader(io.StringIO(trainer.get("/support/training/report/training_summary.csv").text)))
    assert rows[0]["retention_rate"] == "0.0" and rows[0]["retention_checks"] == "1"
    forgotten = list(csv.DictReader(io.StringIO(trainer.get("/support/training/report/retention_forgotten.csv").text)))
    assert forgotten and all(r["forgotten"] == "1" for r in forgotten)


def test_training_reminders_go_out_once_each(tmp_path: Path) -> None:
    """Due soon, overdue and the weekly digest: each queued once, a repeat run queues nothing."""
    server, thread, assess = start(tmp_path, reminder_seconds=0)  # no background round racing the ones run here
    try:
        _reminders_once_each(assess)
    finally:
        stop_server(server, thread, assess)


def _reminders_once_each(assess: Live) -> None:
    trainer = learner(assess, "tina@example.com", role="trainer")
    learner(assess, "olga@example.com")
    store, settings = assess.app.state.store, assess.app.state.settings
    pages: dict = {}
    assert service.training_reminders.send_due(store, settings, assess.clock(), pages) == 0  # a week with nothing to tell: no digest
    day = (assess.clock() + dt.timedelta(days=2)).date().isoformat()
    trainer.form("/support/training/assignments", {"role": "production-operator", "email": "olga@example.com", "due": day})
    assert service.remind(store, settings, assess.clock(), assess.app.state.catalog) == 2  # due soon + digest
    due = compose.row_bodies(store.one("SELECT * FROM outbox WHERE kind = 'assignment_due'"))[0]
    title = assess.app.state.catalog.role_title("production-operator")
    assert title != "production-operator" and f'"{title}"' in due  # the role by its title, not its id
    assert service.training_reminders.send_due(store, settings, assess.clock(), pages) == 0
    assess.clock.advance(days=3)
    assert service.training_reminders.send_due(store, settings, assess.clock(), pages) >= 1  # overdue
    kinds = {r["kind"] for r in store.all("SELECT kind FROM outbox")}
    assert {"assignment_due", "assignment_overdue", "trainer_digest"} <= kinds

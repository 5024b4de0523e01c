"""The rules enforced on the server with the injectable clock: time limit, late policy, attempts, wait, one submission, owners, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assessments_harness import begin, learner, running, submit
from support.cli import register
from support_harness import Live, vm_steps

TIMED = """
id: {id}
title: Timed check
role: production-operator
pass_mark: 75
time_limit_minutes: 10
grace_seconds: 30
attempts_allowed: 2
retake_wait_hours: 2
late_policy: {policy}
review: wrong
questions:
  - {{id: one, type: true-false, prompt: One?, answer: true}}
  - {{id: two, type: true-false, prompt: Two?, answer: false}}
"""


@click.group()
def portal() -> None:
    """Stand-in for the ``portal`` command group."""


register(portal)


@pytest.fixture
def timed(tmp_path: Path) -> Iterator[Live]:
    """A backend with a 10-minute quiz graded late (``timed``) and one scored zero late (``timed-zero``)."""
    quizzes = {"timed": TIMED.format(id="timed", policy="grade"), "timed-zero": TIMED.format(id="timed-zero", policy="zero")}
    with running(tmp_path, quizzes) as live:
        yield live


def test_time_limit_late_submission_grades_answers_saved_in_time(timed: Live) -> None:
    """Saves work until the limit plus grace; after it saving is refused and a submission grades what was saved in time."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed")
    assert (attempt["deadline"], attempt["remaining_seconds"]) == ("2026-11-23T08:10:00+00:00", 600)
    timed.clock.advance(minutes=10, seconds=20)
    url = f"/api/attempts/{attempt['id']}/answers"
    assert olga.api("PUT", url, {"answers": {"one": True}}).status_code == 200  # within the 30 s grace
    timed.clock.advance(seconds=20)
    late = olga.api("PUT", url, {"answers": {"one": True, "two": False}})
    assert (late.status_code, late.json()["detail"]) == (
        409, "The time limit passed at 2026-11-23 08:10:00 UTC; submit to have the answers saved in time graded")
    result = submit(olga, attempt, {"one": True, "two": False})
    assert (result["late"], result["score"], result["passed"], result["closed_by"]) == (True, 50.0, False, "learner")


def test_late_policy_zero_scores_nothing(timed: Live) -> None:
    """With ``late_policy: zero`` a submission after the limit scores 0 even with right answers saved in time."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed-zero")
    olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"one": True, "two": False}})
    timed.clock.advance(minutes=11)
    result = submit(olga, attempt, {"one": True, "two": False})
    assert (result["late"], result["score"], result["passed"]) == (True, 0.0, False)


def test_an_attempt_left_open_is_graded_when_its_time_runs_out(timed: Live) -> None:
    """Coming back after the limit finds the attempt graded as a timeout, submitted at the limit plus grace."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed")
    olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"one": True, "two": False}})
    timed.clock.advance(hours=1)
    shown = olga.get(f"/api/attempts/{attempt['id']}").json()
    assert (shown["status"], shown["submitted_at"], shown["remaining_seconds"]) == ("submitted", "2026-11-23T08:10:30+00:00", 0)
    result = olga.get(f"/api/attempts/{attempt['id']}/result").json()
    assert (result["closed_by"], result["late"], result["score"], result["passed"]) == ("timeout", True, 100.0, True)
    page = olga.get(f"/support/attempts/{attempt['id']}")
    assert page.status_code == 303 and page.headers["location"].endswith("/result")


def test_wait_between_attempts_and_attempt_limit(timed: Live) -> None:
    """A retake before the wait is over is refused with the time it is allowed; after two attempts no third."""
    olga = learner(timed, "olga@example.com")
    submit(olga, begin(olga, "timed"), {"one": False})
    early = olga.api("POST", "/api/assessments/timed/attempts")
    assert (early.status_code, early.json()["detail"]) == (409, "You can start your next attempt at Timed check at "
                                                                "2026-11-23 10:00 UTC: the rules ask for 2 hours between attempts.")
    timed.clock.advance(hours=2)
    second = begin(olga, "timed")
    assert second["number"] == 2
    submit(olga, second, {})
    timed.clock.advance(days=3)
    refused = olga.api("POST", "/api/assessments/timed/attempts")
    assert refused.status_code == 409
    assert refused.json()["detail"] == ("You have used all 2 attempts at Timed check. "
                                        "Ask an administrator to grant another attempt (portal attempts grant).")
    standing = olga.get("/api/assessments/timed").json()["standing"]
    assert (standing["attempts_used"], standing["attempts_left"], standing["can_start"]) == (2, 0, False)
    page = olga.get("/support/assessments/timed")
    assert "You have used all 2 attempts at Timed check." in page.text and "Start the assessment" not in page.text


def test_cli_lifts_the_wait_and_grants_attempts(timed: Live) -> None:
    """``portal attempts reset-wait`` lets a learner retake at once; ``portal attempts grant`` gives a fresh set."""
    olga = learner(timed, "olga@example.com")
    submit(olga, begin(olga, "timed"), {})
    run = CliRunner().invoke
    lifted = run(portal, ["attempts", "reset-wait", "olga@example.com", "timed", "--data-dir", str(timed.data_dir)])
    assert (lifted.exit_code, lifted.output) == (0, "olga@example.com may start the next attempt at timed now\n")
    submit(olga, begin(olga, "timed"), {})
    assert olga.api("POST", "/api/assessments/timed/attempts").status_code == 409
    granted = run(portal, ["attempts", "grant", "olga@example.com", "timed", "--data-dir", str(timed.data_dir)])
    assert granted.exit_code == 0
    assert begin(olga, "timed")["number"] == 3
    unknown = run(portal, ["attempts", "grant", "nobody@example.com", "timed", "--data-dir", str(timed.data_dir)])
    assert (unknown.exit_code, unknown.output) == (1, "Error: no account with email nobody@example.com\n")


def test_a_passed_attempt_starts_a_new_cycle(timed: Live) -> None:
    """After a pass (and the wait), the learner can recertify with the full number of attempts."""
    olga = learner(timed, "olga@example.com")
    submit(olga, begin(olga, "timed"), {"one": True, "two": False})
    timed.clock.advance(hours=2)
    standing = olga.get("/api/assessments/timed").json()["standing"]
    assert (standing["attempts_used"], standing["attempts_left"], standing["passed_before"], standing["can_start"]) == (0, 2, True, True)


def test_an_attempt_in_progress_is_resumed_not_duplicated(timed: Live) -> None:
    """Starting again while an attempt is open is a 409 in the API and a redirect to it from the page."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed")
    again = olga.api("POST", "/api/assessments/timed/attempts")
    assert again.status_code == 409 and f"/support/attempts/{attempt['id']}" in again.json()["detail"]
    page = olga.form("/support/assessments/timed")
    assert (page.status_code, page.headers["location"]) == (303, f"/support/attempts/{attempt['id']}")


def test_double_submission_is_refused(timed: Live) -> None:
    """A second submission (API or form) is a 409 and does not change the grade."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed")
    first = submit(olga, attempt, {"one": True, "two": False})
    again = olga.api("POST", f"/api/attempts/{attempt['id']}/submit", {"answers": {"one": False}})
    assert (again.status_code, again.json()["detail"]) == (409, f"Attempt {attempt['id']} was already submitted at 2026-11-23 08:00:00 UTC")
    form = olga.form(f"/support/attempts/{attempt['id']}", {"action": "submit", "q-one": "false"})
    assert form.status_code == 409
    assert olga.get(f"/api/attempts/{attempt['id']}/result").json()["score"] == first["score"] == 100.0


def test_only_the_owner_reaches_an_attempt(timed: Live) -> None:
    """Another learner and an agent get 404 for every attempt URL, exactly as for a missing id; anonymous users must sign in."""
    olga = learner(timed, "olga@example.com")
    attempt = begin(olga, "timed")
    ident = attempt["id"]
    for other in (learner(timed, "peter@example.com"), learner(timed, "alex@example.com", "agent")):
        for method, url, body in (("GET", f"/api/attempts/{ident}", None), ("PUT", f"/api/attempts/{ident}/answers", {"answers": {}}),
                                  ("POST", f"/api/attempts/{ident}/submit", None), ("GET", f"/api/attempts/{ident}/result", None)):
            response = other.api(method, url, body)
            assert (response.status_code, response.json()) == (404, {"detail": f"Attempt {ident} not found"})
        assert other.get(f"/support/attempts/{ident}").status_code == 404
        assert other.form(f"/support/attempts/{ident}", {"action": "submit"}).status_code == 404
    anon = timed.client()
    assert anon.get(f"/api/attempts/{ident}").status_code == 401
    assert anon.get(f"/support/attempts/{ident}").headers["location"] == f"/support/login?next=/support/attempts/{ident}"
    assert olga.get(f"/api/attempts/{ident}").json()["status"] == "open"


def test_state_changes_need_the_csrf_token(timed: Live) -> None:
    """Starting, saving and submitting without the session's token (form field or header) are refused with 403."""
    olga = learner(timed, "olga@example.com")
    assert olga.api("POST", "/api/assessments/timed/attempts", csrf=False).status_code == 403
    assert olga.form("/support/assessments/timed", csrf=False).status_code == 403
    attempt = begin(olga, "timed")
    assert olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"one": True}}, csrf=False).status_code == 403
    assert olga.form(f"/support/attempts/{attempt['id']}", {"action": "submit", "q-one": "true"}, csrf=False).status_code == 403
    assert olga.api("POST", f"/api/attempts/{attempt['id']}/submit", csrf=False).status_code == 403
    assert olga.form("/support/me/roles", {"role": "developer"}, csrf=False).status_code == 403
    assert olga.get(f"/api/attempts/{attempt['id']}").json()["status"] == "open"


def test_quiz_sources_are_looked_at_no_more_than_once_per_check_interval(tmp_path, monkeypatch) -> None:
    """An edited quiz reaches the catalog at the first look after ``check_seconds``, not on every request before it."""
    import shutil
    import time
    from pathlib import Path

    from support.assessments.catalog import Catalog

    source = sorted((Path(__file__).parents[2] / "quizzes").glob("*/*.yml"))[0]
    quiz_file = tmp_path / "quizzes" / source.parent.name / source.name
    quiz_file.parent.mkdir(parents=True)
    shutil.copy(source, quiz_file)
    catalog = Catalog(tmp_path / "quizzes", None, check_seconds=30)
    catalog.refresh()
    (quiz_id, quiz), = catalog.quizzes.items()
    quiz_file.write_text(quiz_file.read_text().replace(f"title: {quiz.title}", "title: Renamed assessment", 1))
    assert catalog.refresh() is False and catalog.quiz(quiz_id).title == quiz.title
    later = time.monotonic() + 31
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert catalog.refresh() is True and catalog.quiz(quiz_id).title == "Renamed assessment"


def test_a_learners_attempts_at_a_quiz_are_looked_up_not_scanned(tmp_path: Path) -> None:
    """The standing's queries reach one learner's attempts at one quiz by an index: 40 times the quiz's attempts, the same work."""
    from support.migrations import open_portal_store

    store = open_portal_store(tmp_path / "portal.db")
    with store.tx():
        store.execute("INSERT INTO quiz_versions (hash, quiz_id, body, created_at) VALUES ('h', 'q', '{}', '')")
        for user_id in range(1, 2001):
            store.execute("INSERT INTO users (id, email, role, password_hash, created_at) VALUES (?, ?, 'requester', 'x', '')",
                          [user_id, f"u{user_id}@example.com"])
    queries = ("SELECT id, status, passed, submitted_at FROM attempts WHERE user_id = ? AND quiz_id = ? ORDER BY id",
               "SELECT max(id) AS id FROM attempts WHERE user_id = ? AND quiz_id = ?")
    work = []
    for others in (50, 2000):
        with store.tx():
            done = store.one("SELECT count(*) AS n FROM attempts")["n"]
            for user_id in range(done + 1, others + 1):
                store.execute("INSERT INTO attempts (user_id, quiz_id, quiz_hash, role, number, seed, paper, started_at) "
                              "VALUES (?, 'q', 'h', 'r', 1, 's', '{}', '')", [user_id])
        work.append([vm_steps(store, sql, [1, "q"]) for sql in queries])
    assert all(big < 3 * small for small, big in zip(*work)), work
    store.close()


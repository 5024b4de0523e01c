"""Grading through the HTTP API: every question type, partial credit, tolerance, pools and shuffling, bad answers."""

from __future__ import annotations

import random
from pathlib import Path

from assessments_harness import ALL_TYPES, assess, begin, learner, load_quiz, right_answers, running, submit  # noqa: F401
from support.assessments.grading import Paper, draw_paper
from support_harness import Live

QUIZ = load_quiz(ALL_TYPES)


def earned(result: dict) -> dict[str, float]:
    """Points earned per question id in a result."""
    return {q["id"]: q["earned"] for q in result["questions"]}


def test_all_right_answers_score_full_marks_and_issue_the_certificate(assess: Live) -> None:
    """Right answers to every type (single, multiple, true/false, numeric, short, ordering, matching) score 100 %."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    result = submit(olga, attempt, right_answers(QUIZ, attempt))
    assert (result["score"], result["passed"], result["earned"], result["possible"]) == (100.0, True, 11.0, 11.0)
    assert {q["type"] for q in result["questions"]} >= {"single", "multiple", "true-false", "numeric", "short", "ordering", "matching"}
    assert all(q["correct"] for q in result["questions"])
    assert result["certificate"]["certificate"] == "Line Operator Basics"


def test_partial_credit_and_case_rules(assess: Live) -> None:
    """Multiple choice loses a right pick per wrong pick; matching scores per pair; short answers ignore case and spacing."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    answers = right_answers(QUIZ, attempt)
    rights = answers["states"]
    answers |= {"checklist": ["status", "alarms", "ack-all"], "oee-factor": "  quality   RATE ",
                "states": [rights[1], rights[0], rights[2], rights[3]], "escalation": False,
                "start-steps": answers["start-steps"][::-1]}
    result = earned(submit(olga, attempt, answers))
    assert result["checklist"] == 1.0  # (2 right - 1 wrong) / 3 correct * 3 points
    assert result["states"] == 0.5 and result["oee-factor"] == 1.0
    assert result["escalation"] == 0.0 and result["start-steps"] == 0.0  # the right order reversed


def test_numeric_tolerance_is_inclusive(assess: Live) -> None:
    """25.2 ± 0.05 accepts 25.25 (also as a string) and refuses 25.26."""
    for email, given, points in (("a@example.com", "25.25", 1.0), ("b@example.com", 25.15, 1.0), ("c@example.com", 25.26, 0.0)):
        browser = learner(assess, email)
        attempt = begin(browser)
        assert earned(submit(browser, attempt, {"torque": given}))["torque"] == points


CASES = """
id: cases
title: Case rules
role: production-operator
pass_mark: 50
review: answers
questions:
  - pool: reasons
    draw: 1
    questions:
      - {id: exact, type: short, prompt: The stop reason?, accept: [QUALITY], case_sensitive: true}
  - {id: loose, type: short, prompt: The factor?, accept: [Quality rate]}
"""


def test_case_sensitive_short_answer_in_a_pool(tmp_path: Path) -> None:
    """A case-sensitive accepted answer needs the exact case; a case-insensitive one does not."""
    with running(tmp_path, {"cases": CASES}) as live:
        for email, given, expected in (("a@example.com", "QUALITY", 1.0), ("b@example.com", "quality", 0.0)):
            browser = learner(live, email)
            result = submit(browser, begin(browser, "cases"), {"exact": given, "loose": "QUALITY RATE"})
            assert earned(result) == {"exact": expected, "loose": 1.0}


def test_pools_and_shuffling_differ_per_attempt_and_replay_from_the_seed(assess: Live) -> None:
    """Each attempt draws 2 of the 3 pool questions and its own order; the stored seed redraws the same paper."""
    orders, pools, options = set(), set(), set()
    for n in range(10):
        attempt = begin(learner(assess, f"l{n}@example.com"))
        ids = [q["id"] for q in attempt["questions"]]
        drawn = {i for i in ids if i.startswith("pool-")}
        assert len(ids) == 9 and len(drawn) == 2
        orders.add(tuple(ids))
        pools.add(frozenset(drawn))
        options.add(tuple(o["id"] for q in attempt["questions"] if q["id"] == "checklist" for o in q["options"]))
        row = assess.app.state.store.one("SELECT seed, paper FROM attempts WHERE id = ?", [attempt["id"]])
        assert draw_paper(QUIZ, random.Random(row["seed"])) == Paper.model_validate_json(row["paper"])
    assert len(orders) > 1 and len(pools) > 1 and len(options) > 1


def test_invalid_answers_get_422_with_a_message_per_field(assess: Live) -> None:
    """Unknown questions (an undrawn pool question too), unknown options and wrong shapes are refused field by field."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    undrawn = ({"pool-a", "pool-b", "pool-c"} - {q["id"] for q in attempt["questions"]}).pop()
    bad = {"stop-type": "e-stop", "checklist": ["status", "nope"], "escalation": "yes", "start-steps": [0, 0, 1, 2],
           "nonexistent": 1, undrawn: None, "torque": "twenty"}
    response = olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": bad})
    assert response.status_code == 422
    messages = {tuple(d["loc"][2:]): d["msg"] for d in response.json()["detail"]}
    assert messages == {
        ("stop-type",): "'e-stop' is not an option of this question",
        ("checklist", 1): "'nope' is not an option of this question",
        ("escalation",): "expected true or false",
        ("start-steps",): "expected the item positions 0 to 3 in your order, each once",
        ("nonexistent",): "question 'nonexistent' is not in this attempt",
        (undrawn,): f"question '{undrawn}' is not in this attempt",
        ("torque",): "expected a number",
    }
    shape = olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": ["stop-type"]})
    assert shape.status_code == 422 and shape.json()["detail"][0]["loc"] == ["body", "answers"]
    assert olga.get(f"/api/attempts/{attempt['id']}").json()["answers"] == {}


def test_saved_answers_survive_a_reload_and_are_graded(assess: Live) -> None:
    """Answers saved with PUT come back with the attempt and are graded when submitting without a body."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    saved = olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"stop-type": "quality-hold", "torque": "25.2"}})
    assert saved.status_code == 200 and saved.json()["saved_at"] == "2026-11-23T08:00:00+00:00"
    assert olga.get(f"/api/attempts/{attempt['id']}").json()["answers"] == {"stop-type": "quality-hold", "torque": "25.2"}
    result = olga.api("POST", f"/api/attempts/{attempt['id']}/submit").json()
    assert earned(result)["stop-type"] == 1.0 and earned(result)["torque"] == 1.0 and result["earned"] == 2.0

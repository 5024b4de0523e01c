"""What the result page may show under each review level."""

from __future__ import annotations

import json

from generator.quizzes import Quiz
from support.assessments.grading import Paper, PaperQuestion, grade, review

PAPER = Paper(quiz_id="all-types", questions=[
    PaperQuestion(id="stop-type", options=["safety", "controlled", "quality-hold"]),
    PaperQuestion(id="escalation"),
    PaperQuestion(id="start-steps", order=[3, 2, 1, 0]),
    PaperQuestion(id="states", order=[1, 0, 3, 2]),
])
ANSWERS = {"stop-type": "controlled", "escalation": True, "start-steps": [3, 2, 1, 0], "states": [1, 0, None, None]}


def _review(quiz: Quiz, level: str | None) -> dict:
    return review(quiz, PAPER, grade(quiz, PAPER, ANSWERS), level)


def test_score_level_shows_only_the_score_and_what_to_study(all_types: Quiz) -> None:
    """Score-only review has the score, pass or fail and the covered sources, and no questions."""
    shown = _review(all_types, "score")
    assert (shown["score"], shown["passed"], shown["review"]) == (62.5, False, "score")
    assert "questions" not in shown
    assert shown["study"][0]["id"] == "starting-and-stopping-a-line"


def test_wrong_level_says_which_questions_were_wrong_without_answers(all_types: Quiz) -> None:
    """The wrong level lists each question's result but no correct answer, feedback or explanation."""
    shown = _review(all_types, "wrong")
    assert [(q["id"], q["correct"]) for q in shown["questions"]] == [
        ("stop-type", False), ("escalation", True), ("start-steps", True), ("states", False),
    ]
    text = json.dumps(shown)
    assert "SECRET" not in text and "options" not in text and "explanation" not in text


def test_answers_level_shows_answers_explanations_feedback_and_links(all_types: Quiz) -> None:
    """The answers level adds correct answers, the learner's picks, feedback, explanations and teaches links."""
    shown = {q["id"]: q for q in _review(all_types, "answers")["questions"]}
    stop = shown["stop-type"]
    assert [(o["id"], o["correct"], o["chosen"]) for o in stop["options"]] == [
        ("safety", False, False), ("controlled", False, True), ("quality-hold", True, False),
    ]
    assert stop["options"][1]["feedback"] == "SECRET-FEEDBACK-controlled"
    assert stop["explanation"] == "SECRET-EXPLANATION-single"
    assert stop["teaches"] == {"kind": "article", "id": "starting-and-stopping-a-line", "section": "stop-types"}
    assert (shown["escalation"]["answer"], shown["escalation"]["feedback"]) == (True, "SECRET-FEEDBACK-true")
    assert shown["start-steps"]["given"] == shown["start-steps"]["correct_order"]
    assert shown["states"]["pairs"][:2] == [
        {"left": "RUNNING", "right": "Building parts", "given": "Building parts"},
        {"left": "STARVED", "right": "Waiting for parts", "given": "Waiting for parts"},
    ]
    assert shown["states"]["pairs"][2]["given"] is None


def test_review_level_defaults_to_the_quizs_policy(all_types: Quiz) -> None:
    """Without an explicit level the quiz's own review policy applies."""
    assert _review(all_types, None)["review"] == "answers"

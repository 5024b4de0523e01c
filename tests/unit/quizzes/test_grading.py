"""Grading every question type: partial credit, tolerance edges, case and whitespace rules, totals."""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest

from generator.quizzes import Quiz
from support.assessments.grading import InvalidAnswers, Paper, PaperQuestion, draw_paper, grade, public_paper

OPTIONS = [
    {"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B", "correct": True},
    {"id": "c", "text": "C", "correct": True}, {"id": "d", "text": "D"}, {"id": "e", "text": "E"},
]


def _fraction(quiz: Quiz, answer: Any, paper: Paper | None = None) -> float:
    """Grade a one-question quiz and return the share of its points earned."""
    question = quiz.questions[0]
    options = [o.id for o in getattr(question, "options", [])]
    paper = paper or Paper(quiz_id=quiz.id, questions=[PaperQuestion(id=question.id, options=options)])
    result = grade(quiz, paper, {question.id: answer})
    return result.questions[0].earned / result.questions[0].possible


@pytest.mark.parametrize(("answer", "expected"), [("b", 1), ("a", 0)])
def test_single_choice_scores_the_one_correct_option(make_quiz: Callable[..., Quiz], answer: str, expected: float) -> None:
    """A single-choice question earns its points only for the correct option."""
    options = [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}]
    quiz = make_quiz([{"id": "q", "type": "single", "prompt": "P", "options": options}])
    assert _fraction(quiz, answer) == expected


@pytest.mark.parametrize(("picks", "expected"), [(["a", "b", "c"], 1), (["a", "b"], 0), (["a", "b", "c", "d"], 0), ([], 0)])
def test_multiple_all_or_nothing_needs_exactly_the_correct_set(make_quiz: Callable[..., Quiz], picks: list[str], expected: float) -> None:
    """All-or-nothing scoring gives the points only for exactly the correct options."""
    quiz = make_quiz([{"id": "q", "type": "multiple", "prompt": "P", "options": OPTIONS}])
    assert _fraction(quiz, picks) == expected


@pytest.mark.parametrize(("picks", "expected"), [
    (["a", "b", "c"], 1),
    (["a", "b"], 2 / 3),
    (["a", "b", "d"], 1 / 3),
    (["a", "b", "c", "d", "e"], 1 / 3),
    (["a", "d", "e"], 0),
    (["d"], 0),
])
def test_multiple_partial_subtracts_wrong_picks_floored_at_zero(make_quiz: Callable[..., Quiz], picks: list[str], expected: float) -> None:
    """Partial scoring is (right picks - wrong picks) / correct options, never below zero."""
    quiz = make_quiz([{"id": "q", "type": "multiple", "scoring": "partial", "points": 3, "prompt": "P", "options": OPTIONS}])
    assert _fraction(quiz, picks) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("answer", "expected"), [(False, 1), (True, 0)])
def test_true_false_scores_the_right_value(make_quiz: Callable[..., Quiz], answer: bool, expected: float) -> None:
    """A true-false question earns its points for the right truth value."""
    quiz = make_quiz([{"id": "q", "type": "true-false", "prompt": "P", "answer": False}])
    assert _fraction(quiz, answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [
    (3.14, 1), (3.15, 1), (3.13, 1), ("3.15", 1), (" 3.13 ", 1), (3.1501, 0), (3.1299, 0), (-3.14, 0),
])
def test_numeric_tolerance_is_absolute_and_inclusive(make_quiz: Callable[..., Quiz], answer: Any, expected: float) -> None:
    """A number within the tolerance, edges included, is right; a string holding a number counts too."""
    quiz = make_quiz([{"id": "q", "type": "numeric", "prompt": "P", "answer": 3.14, "tolerance": 0.01}])
    assert _fraction(quiz, answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [(10, 1), (10.0, 1), (10.001, 0)])
def test_numeric_without_tolerance_needs_the_exact_number(make_quiz: Callable[..., Quiz], answer: Any, expected: float) -> None:
    """With no tolerance only the exact number is right."""
    quiz = make_quiz([{"id": "q", "type": "numeric", "prompt": "P", "answer": 10}])
    assert _fraction(quiz, answer) == expected


@pytest.mark.parametrize(("answer", "case_sensitive", "expected"), [
    ("quality rate", False, 1), ("  Quality \t  RATE ", False, 1), ("Quality rate", True, 1),
    ("quality rate", True, 0), ("qualityrate", False, 0), ("L2-S04", False, 1),
])
def test_short_answer_trims_collapses_whitespace_and_follows_case_rule(
    make_quiz: Callable[..., Quiz], answer: str, case_sensitive: bool, expected: float,
) -> None:
    """Short answers match after trimming and collapsing whitespace, ignoring case unless case_sensitive."""
    quiz = make_quiz([{"id": "q", "type": "short", "prompt": "P", "accept": ["Quality  rate", "L2-S04"], "case_sensitive": case_sensitive}])
    assert _fraction(quiz, answer) == expected


def test_ordering_is_all_or_nothing_over_presented_positions(make_quiz: Callable[..., Quiz]) -> None:
    """An ordering answer lists presented positions; only the full correct order earns the points."""
    quiz = make_quiz([{"id": "q", "type": "ordering", "prompt": "P", "items": ["one", "two", "three"]}])
    paper = Paper(quiz_id="q", questions=[PaperQuestion(id="q", order=[2, 0, 1])])  # shown: three, one, two
    assert _fraction(quiz, [1, 2, 0], paper) == 1
    assert _fraction(quiz, [2, 1, 0], paper) == 0


@pytest.mark.parametrize(("scoring", "expected"), [("partial", 0.5), ("all-or-nothing", 0)])
def test_matching_scores_correct_pairs(make_quiz: Callable[..., Quiz], scoring: str, expected: float) -> None:
    """Matching earns a share per correct pair with partial scoring, nothing short of all pairs otherwise."""
    pairs = [{"left": f"L{k}", "right": f"R{k}"} for k in range(4)]
    quiz = make_quiz([{"id": "q", "type": "matching", "prompt": "P", "pairs": pairs, "scoring": scoring}])
    paper = Paper(quiz_id="q", questions=[PaperQuestion(id="q", order=[3, 2, 1, 0])])  # shown: R3, R2, R1, R0
    assert _fraction(quiz, [3, 2, None, 2], paper) == expected
    assert _fraction(quiz, [3, 2, 1, 0], paper) == 1


def test_grade_totals_points_rounds_score_and_applies_pass_mark(all_types: Quiz) -> None:
    """Points add up across the paper, the score is a rounded percent and passing compares it with the pass mark."""
    paper = draw_paper(all_types, random.Random(2))
    shown = {q["id"]: q for q in public_paper(all_types, paper)["questions"]}
    answers = {
        "stop-type": "quality-hold", "checklist": ["status", "alarms", "old-session"], "escalation": True,
        "torque": 25.25, "oee-factor": "quality rate",
        "start-steps": [shown["start-steps"]["items"].index(t) for t in all_types.questions[5].items],
    }
    result = grade(all_types, paper, answers)
    by_id = {r.id: r for r in result.questions}
    assert by_id["checklist"].earned == pytest.approx(1.0) and not by_id["checklist"].correct
    assert by_id["torque"].correct and by_id["start-steps"].correct
    assert not by_id["states"].answered and by_id["states"].earned == 0
    assert (result.earned, result.possible) == (6.0, 11.0)
    assert result.score == 54.5 and result.passed is False


@pytest.mark.parametrize(("pass_mark", "passed"), [(66.7, True), (66.8, False)])
def test_pass_compares_the_rounded_score(make_quiz: Callable[..., Quiz], pass_mark: float, passed: bool) -> None:
    """Two of three points is 66.7 %, which passes a 66.7 pass mark and fails 66.8."""
    questions = [{"id": f"q{k}", "type": "true-false", "prompt": "P", "answer": True} for k in range(3)]
    quiz = make_quiz(questions, pass_mark=pass_mark)
    paper = Paper(quiz_id="q", questions=[PaperQuestion(id=f"q{k}") for k in range(3)])
    result = grade(quiz, paper, {"q0": True, "q1": True, "q2": False})
    assert (result.score, result.passed) == (66.7, passed)


def test_grade_refuses_invalid_answers(all_types: Quiz) -> None:
    """Grading a submission with problems raises InvalidAnswers carrying every problem."""
    paper = Paper(quiz_id="all-types", questions=[PaperQuestion(id="stop-type", options=["controlled", "quality-hold", "safety"])])
    with pytest.raises(InvalidAnswers) as caught:
        grade(all_types, paper, {"stop-type": "nope", "torque": 1})
    assert caught.value.problems == [
        (("stop-type",), "'nope' is not an option of this question"),
        (("torque",), "question 'torque' is not in this attempt"),
    ]

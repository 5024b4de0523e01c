"""Refusing malformed submissions with per-field messages (the backend's 422)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from generator.quizzes import Quiz
from support.assessments.grading import Paper, draw_paper, validate_answers


@pytest.fixture
def paper(all_types: Quiz) -> Paper:
    """A paper of the every-type quiz whose pool draw is pool-a and pool-b."""
    for seed in range(100):
        drawn = draw_paper(all_types, random.Random(seed))
        if {"pool-a", "pool-b"} <= {q.id for q in drawn.questions}:
            return drawn
    raise AssertionError("no seed drew pool-a and pool-b")


def test_valid_answers_of_every_type_pass(all_types: Quiz, paper: Paper) -> None:
    """Well-formed answers to every type, and unanswered nulls, raise no problem."""
    answers = {
        "stop-type": "safety", "checklist": ["status", "ppe"], "escalation": False, "torque": "25.2",
        "oee-factor": "quality", "start-steps": [3, 1, 0, 2], "states": [0, None, 3, 3], "pool-a": None,
    }
    assert validate_answers(all_types, paper, answers) == []


def test_answers_must_be_a_mapping(all_types: Quiz, paper: Paper) -> None:
    """A submission that is not an object of answers is refused as a whole."""
    assert validate_answers(all_types, paper, ["safety"]) == [((), "answers must be an object that maps question ids to answers")]


def test_question_not_in_the_attempt_is_refused(all_types: Quiz, paper: Paper) -> None:
    """Answering a question outside the attempt (a pool question not drawn, or an unknown id) is refused."""
    assert validate_answers(all_types, paper, {"pool-c": "BLOCKED", "nope": 1}) == [
        (("pool-c",), "question 'pool-c' is not in this attempt"),
        (("nope",), "question 'nope' is not in this attempt"),
    ]


@pytest.mark.parametrize(("qid", "answer", "problems"), [
    ("stop-type", "emergency", [((), "'emergency' is not an option of this question")]),
    ("stop-type", 2, [((), "expected an option id")]),
    ("checklist", "status", [((), "expected a list of option ids")]),
    ("checklist", ["status", "nope"], [((1,), "'nope' is not an option of this question")]),
    ("checklist", ["status", "status"], [((), "an option is chosen more than once")]),
    ("escalation", "true", [((), "expected true or false")]),
    ("torque", "about 25", [((), "expected a number")]),
    ("torque", True, [((), "expected a number")]),
    ("torque", "nan", [((), "expected a number")]),
    ("oee-factor", ["quality"], [((), "expected text")]),
    ("oee-factor", "x" * 501, [((), "the answer is longer than 500 characters")]),
    ("start-steps", [0, 1, 2], [((), "expected the item positions 0 to 3 in your order, each once")]),
    ("start-steps", [0, 1, 1, 2], [((), "expected the item positions 0 to 3 in your order, each once")]),
    ("states", [0, 1, 2], [((), "expected a list of 4 entries, one per left: the position of its right, or null")]),
    ("states", [0, 1, 4, "2"], [((2,), "expected the position of a right, 0 to 3, or null"), ((3,), "expected the position of a right, 0 to 3, or null")]),
])
def test_wrong_shapes_get_a_message_per_field(
    all_types: Quiz, paper: Paper, qid: str, answer: Any, problems: list[tuple[tuple[Any, ...], str]],
) -> None:
    """Each malformed answer is refused with a message located at the question (and index)."""
    assert validate_answers(all_types, paper, {qid: answer}) == [((qid, *loc), msg) for loc, msg in problems]

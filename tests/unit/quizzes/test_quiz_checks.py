"""Semantic checks of quizzes, each bad fixture paired with the exact lines `portal check` prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import Problems
from generator.quizzes import check_quiz, validate_quiz
from generator.sources import read_yaml_file

BAD = Path(__file__).resolve().parents[2] / "data" / "quizzes" / "bad"


def _report(path: Path) -> list[str]:
    problems = Problems()
    doc = read_yaml_file(path, path.name, problems)
    assert doc is not None
    validate_quiz(doc, problems)
    return [f"{p.line}:{p.col}: {p.message}" for p in problems.items]


def _expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yml")), ids=lambda p: p.stem)
def test_bad_quiz_reports_exact_located_messages(path: Path) -> None:
    """Each bad fixture produces exactly the messages, lines and columns written in its header."""
    expected = _expected(path)
    assert expected, f"{path.name} has no '# expect:' line"
    assert _report(path) == expected


def test_every_check_has_a_bad_fixture() -> None:
    """Each kind of semantic problem is covered by at least one bad fixture."""
    messages = "\n".join(line for path in BAD.glob("*.yml") for line in _expected(path))
    for phrase in (
        "no option is marked correct", "options are marked correct", "is not one of the options",
        "is more than the", "duplicate question id", "duplicate pool id", "duplicate option id",
        "at least 2 items", "duplicate left", "duplicate right", "less than or equal to 100",
    ):
        assert phrase in messages


def test_check_quiz_locations_point_into_the_data(make_quiz) -> None:
    """Issue locations are paths into the YAML data, usable like pydantic error locations."""
    quiz = make_quiz([{"pool": "p", "draw": 1, "questions": [
        {"id": "a", "type": "single", "prompt": "P", "options": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}]},
    ]}])
    [issue] = check_quiz(quiz)
    assert issue.loc == ("questions", 0, "questions", 0, "options")
    assert issue.message.startswith("questions[0].questions[0].options: no option is marked correct")


def test_choice_with_answer_style_passes_checks(make_quiz) -> None:
    """Naming the correct options with 'answer' instead of 'correct: true' is valid."""
    options = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]
    quiz = make_quiz([
        {"id": "s", "type": "single", "prompt": "P", "answer": "b", "options": options},
        {"id": "m", "type": "multiple", "prompt": "P", "answer": ["a", "c"], "options": options},
    ])
    assert check_quiz(quiz) == []
    assert quiz.questions[1].correct_ids() == {"a", "c"}

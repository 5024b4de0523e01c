"""Fixtures for the quiz tests: the every-type quiz, and a way to build small quizzes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest
from ruamel.yaml import YAML

from generator.quizzes import Quiz

DATA = Path(__file__).resolve().parents[2] / "data" / "quizzes"


def read_yaml(path: Path) -> Any:
    """Load YAML the way the pipeline does (ruamel, round-trip)."""
    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


@pytest.fixture
def all_types_data() -> dict[str, Any]:
    """The raw data of the every-type quiz, safe to modify."""
    return copy.deepcopy(dict(read_yaml(DATA / "all-types.yml")))


@pytest.fixture
def all_types(all_types_data: dict[str, Any]) -> Quiz:
    """The every-type quiz, validated."""
    return Quiz.model_validate(all_types_data)


@pytest.fixture
def make_quiz() -> Callable[..., Quiz]:
    """Build a quiz from a list of questions, with rules overridable by keyword."""

    def build(questions: list[dict[str, Any]], **rules: Any) -> Quiz:
        data = {"id": "q", "title": "Quiz", "role": "production-operator", "pass_mark": 50, "questions": questions}
        return Quiz.model_validate(data | rules)

    return build

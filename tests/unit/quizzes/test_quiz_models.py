"""The quiz source format: the models, references, public rules and JSON Schema."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from pydantic import ValidationError

from generator.quizzes import (
    Quiz, check_quiz, public_rules, questions_per_attempt, quiz_json_schema, quiz_references, quiz_sections,
)


def test_every_type_fixture_loads_without_issues(all_types: Quiz) -> None:
    """The every-type fixture validates and passes every semantic check."""
    assert check_quiz(all_types) == []
    assert [q.type for q in all_types.questions[:7]] == [
        "single", "multiple", "true-false", "numeric", "short", "ordering", "matching",
    ]


def test_defaults_are_the_documented_ones(make_quiz: Callable[..., Quiz]) -> None:
    """Unset rules default to unlimited attempts, no wait, score-only review, grading late work, 30 s grace."""
    quiz = make_quiz([{"id": "a", "type": "true-false", "prompt": "P", "answer": True}])
    assert (quiz.attempts_allowed, quiz.retake_wait_hours, quiz.review.value) == (None, 0, "score")
    assert (quiz.late_policy.value, quiz.grace_seconds, quiz.shuffle_questions) == ("grade", 30, True)
    assert quiz.questions[0].points == 1


def _errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        Quiz.model_validate(data)
    return [(e["loc"], e["type"]) for e in caught.value.errors()]


def test_unknown_field_is_an_error(all_types_data: dict[str, Any]) -> None:
    """A misspelt quiz field is rejected, not ignored."""
    all_types_data["pass_mrk"] = 80
    assert _errors(all_types_data) == [(("pass_mrk",), "extra_forbidden")]


@pytest.mark.parametrize("mark", [-1, 100.5, 150])
def test_pass_mark_outside_0_to_100_is_an_error(all_types_data: dict[str, Any], mark: float) -> None:
    """The pass mark is a percentage between 0 and 100."""
    all_types_data["pass_mark"] = mark
    assert [loc for loc, _ in _errors(all_types_data)] == [("pass_mark",)]


def test_unknown_question_type_names_the_valid_types(all_types_data: dict[str, Any]) -> None:
    """A question with an unknown type gets one error listing the types."""
    all_types_data["questions"][0]["type"] = "singel"
    with pytest.raises(ValidationError) as caught:
        Quiz.model_validate(all_types_data)
    [error] = caught.value.errors()
    assert error["loc"] == ("questions", 0)
    assert "one of single, multiple, true-false, numeric, short, ordering, matching" in error["msg"]


def test_source_ref_names_exactly_one_of_article_or_runbook(all_types_data: dict[str, Any]) -> None:
    """A covers entry with both an article and a runbook is rejected."""
    all_types_data["covers"][0]["runbook"] = "line-stop-recovery"
    assert _errors(all_types_data) == [(("covers", 0), "value_error")]


def test_quiz_references_lists_every_id_with_its_location(all_types: Quiz) -> None:
    """References cover the role, covers, teaches links and the certification role."""
    assert quiz_references(all_types) == [
        (("role",), "role", "production-operator"),
        (("covers", 0, "article"), "article", "starting-and-stopping-a-line"),
        (("covers", 1, "runbook"), "runbook", "line-stop-recovery"),
        (("questions", 0, "teaches", "article"), "article", "starting-and-stopping-a-line"),
        (("certification", "role"), "role", "production-operator"),
    ]


def test_quiz_sections_lists_anchor_links(all_types: Quiz) -> None:
    """Section anchors of covers and teaches links are listed for the anchor check."""
    assert quiz_sections(all_types) == [
        (("covers", 0, "section"), "article", "starting-and-stopping-a-line", "stop-types"),
        (("questions", 0, "teaches", "section"), "article", "starting-and-stopping-a-line", "stop-types"),
    ]


def test_questions_per_attempt_counts_pool_draws(all_types: Quiz) -> None:
    """Seven written questions plus a draw of two from the pool make nine per attempt."""
    assert questions_per_attempt(all_types) == 9


def test_public_rules_show_the_rules(all_types: Quiz) -> None:
    """The rules for the quiz page carry the numbers and display strings the page shows."""
    rules = public_rules(all_types)
    assert rules["question_count"] == 9 and rules["pass_mark"] == 75
    assert (rules["time_limit"], rules["attempts"], rules["wait"]) == ("20 minutes", "3", "24 hours")
    assert (rules["certification"], rules["validity_days"]) == ("Line Operator Basics", 365)
    assert rules["covers"][0] == {"kind": "article", "id": "starting-and-stopping-a-line", "section": "stop-types"}
    assert "id" not in rules


def test_public_rules_contain_nothing_about_questions(all_types: Quiz) -> None:
    """No prompt, option, answer, feedback or explanation reaches the static page's rules."""
    text = json.dumps(public_rules(all_types))
    secrets = ["SECRET", "Quality hold", "Which stop type", "25.2", "Building parts", "Start the line"]
    assert [s for s in secrets if s in text] == []


def test_json_schema_offers_every_question_type() -> None:
    """The JSON Schema for editors names every question type and the pool form."""
    schema = json.dumps(quiz_json_schema())
    for kind in ("single", "multiple", "true-false", "numeric", "short", "ordering", "matching"):
        assert f'"const": "{kind}"' in schema
    assert '"draw"' in schema

"""The example portal's assessments: valid, checked, and pointing at real content and headings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from generator.links import anchors
from generator.quizzes import Quiz, check_quiz, iter_questions, questions_per_attempt, quiz_references, quiz_sections
from generator.sources import FRONT_MATTER

ROOT = Path(__file__).resolve().parents[3]
QUIZZES = sorted((ROOT / "quizzes").rglob("*.yml"))
ROLES = ("production-operator", "production-manager", "maintenance-technician", "quality-controller", "system-administrator", "developer")


@cache
def _content() -> dict[str, dict[str, set[str]]]:
    """Ids of roles, articles and runbooks, each with the heading anchors of its page."""
    found: dict[str, dict[str, set[str]]] = {"role": {}, "article": {}, "runbook": {}}
    for path in (ROOT / "content" / "roles").glob("*.yml"):
        found["role"][yaml.safe_load(path.read_text(encoding="utf-8"))["id"]] = set()
    for path in (ROOT / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(text)
        if match:
            found["article"][yaml.safe_load(match.group(1))["id"]] = anchors(text[match.end():])
    for path in (ROOT / "content" / "runbooks").glob("*.yml"):
        runbook = yaml.safe_load(path.read_text(encoding="utf-8"))
        found["runbook"][runbook["id"]] = _runbook_anchors(runbook)
    return found


def _runbook_anchors(runbook: dict) -> set[str]:
    """The headings the runbook page template gives every runbook."""
    names = {"steps", "verification"} | {f"step-{n}" for n in range(1, len(runbook["steps"]) + 1)}
    optional = {"preconditions": "before-you-start", "rollback": "rollback", "escalation": "escalation", "related_articles": "related-articles"}
    return names | {anchor for key, anchor in optional.items() if runbook.get(key)}


def _load(path: Path) -> Quiz:
    return Quiz.model_validate(YAML(typ="rt").load(path.read_text(encoding="utf-8")))


def test_every_role_has_a_certification_quiz() -> None:
    """Each of the six roles has quizzes/<role>/certification.yml with id <role>-certification."""
    for role in ROLES:
        quiz = _load(ROOT / "quizzes" / role / "certification.yml")
        assert (quiz.id, quiz.role) == (f"{role}-certification", role)
        assert quiz.certification is not None and quiz.certification.role == role


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.parent.name)
def test_example_quiz_is_valid_and_realistic(path: Path) -> None:
    """The quiz validates, passes every check and has realistic rules and at least 10 questions per attempt."""
    quiz = _load(path)
    assert check_quiz(quiz) == []
    assert quiz.role == path.parent.name
    assert questions_per_attempt(quiz) >= 10
    assert 70 <= quiz.pass_mark <= 80 and 20 <= (quiz.time_limit_minutes or 0) <= 30
    assert (quiz.attempts_allowed, quiz.retake_wait_hours) == (3, 24)
    assert quiz.certification and quiz.certification.validity_days == 365


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.parent.name)
def test_example_quiz_references_real_content(path: Path) -> None:
    """Every role, article and runbook id and every section anchor the quiz names exists in content/."""
    quiz, content = _load(path), _content()
    unknown = [(loc, kind, ident) for loc, kind, ident in quiz_references(quiz) if ident not in content[kind]]
    assert unknown == []
    missing = [(loc, ident, anchor) for loc, kind, ident, anchor in quiz_sections(quiz) if anchor not in content[kind][ident]]
    assert missing == []


def test_every_question_teaches_something() -> None:
    """Each example question links to the article or runbook that teaches it."""
    bare = [(path.parent.name, q.id) for path in QUIZZES for _, q in iter_questions(_load(path)) if q.teaches is None]
    assert bare == []


def test_examples_use_every_question_type_and_pools() -> None:
    """Across the six assessments every question type appears, and some quizzes draw from pools."""
    quizzes = [_load(path) for path in QUIZZES]
    types = {q.type for quiz in quizzes for _, q in iter_questions(quiz)}
    assert types == {"single", "multiple", "true-false", "numeric", "short", "ordering", "matching"}
    assert sum(any(hasattr(item, "draw") for item in quiz.questions) for quiz in quizzes) >= 3

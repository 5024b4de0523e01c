"""Harness for the assessment tests: the example portal built once, a live backend with chosen quizzes, learners.

The backend runs over a real SQLite file and reads the example portal's roles (``/work/main``) and a
per-test quizzes folder (copies of the example quizzes, the all-types fixture, or quizzes a test
writes). ``kb.json`` is a per-test copy of the built site's export, so a test may change it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from generator.quizzes import Matching, Multiple, Numeric, Ordering, Quiz, Short, Single, TrueFalse, questions_by_id
from generator.sources import read_yaml_file, validate
from generator.errors import Problems
from support.kb.search import KnowledgeBase
from support_harness import PASSWORD, Browser, Live, start_server, stop_server

REPO = Path(__file__).resolve().parents[2]
ALL_TYPES = REPO / "tests" / "data" / "quizzes" / "all-types.yml"
OPERATOR = "production-operator-certification"
_HASH = PasswordHasher().hash(PASSWORD)


@functools.cache
def built_site() -> Path:
    """The example portal built once per test run (``PORTAL_TODAY=2026-11-20``), with a KB index beside it."""
    from generator.build import build

    root = Path(tempfile.mkdtemp(prefix="assess-site-"))
    atexit.register(shutil.rmtree, root, True)
    previous = os.environ.get("PORTAL_TODAY")
    os.environ["PORTAL_TODAY"] = "2026-11-20"
    try:
        build(REPO, site_dir=root / "site")
    finally:
        if previous is None:
            del os.environ["PORTAL_TODAY"]
        else:
            os.environ["PORTAL_TODAY"] = previous
    kb = KnowledgeBase(root / "site" / "_portal" / "kb.json", root / "kb-index")
    kb.refresh()
    kb.close()
    return root / "site"


def load_quiz(path: Path) -> Quiz:
    """A quiz file as the backend reads it."""
    problems = Problems()
    quiz = validate(Quiz, read_yaml_file(path, str(path), problems), problems)
    assert quiz is not None, problems.report("test")
    return quiz


def start(tmp: Path, quizzes: dict[str, str] | None = None, examples: bool = True, **overrides: Any) -> tuple[Any, Any, Live]:
    """A live backend whose quizzes folder holds the example quizzes (optional), all-types and ``quizzes`` (name -> YAML);
    ``overrides``: more settings."""
    site = built_site()
    folder = tmp / "quizzes"
    if examples:
        shutil.copytree(REPO / "quizzes", folder)
    folder.mkdir(exist_ok=True)
    shutil.copy(ALL_TYPES, folder / "all-types.yml")
    for name, text in (quizzes or {}).items():
        (folder / f"{name}.yml").write_text(text, encoding="utf-8")
    kb = tmp / "kb.json"
    shutil.copy(site / "_portal" / "kb.json", kb)
    shutil.copytree(site.parent / "kb-index", tmp / "data" / "kb-index")
    return start_server(tmp, portal_dir=REPO, quizzes_dir=folder, kb_path=kb, **overrides)


@contextlib.contextmanager
def running(tmp: Path, quizzes: dict[str, str] | None = None, examples: bool = False) -> Iterator[Live]:
    """A backend with the given quizzes (see :func:`start`) for the length of a ``with`` block."""
    server, thread, live = start(tmp, quizzes, examples)
    try:
        yield live
    finally:
        stop_server(server, thread, live)


@pytest.fixture
def assess(tmp_path: Path) -> Iterator[Live]:
    """A backend with the example quizzes and the all-types quiz, a fresh database and a frozen clock."""
    server, thread, live = start(tmp_path)
    yield live
    stop_server(server, thread, live)


def learner(live: Live, email: str, role: str = "requester", name: str | None = None) -> Browser:
    """A new account (without the cost of hashing a password again), signed in."""
    name = email.split("@")[0].title() if name is None else name
    live.app.state.store.execute(
        "INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, '2026-11-01T00:00:00+00:00')",
        [email, name, role, _HASH])
    browser = live.client()
    browser.login(email)
    return browser


def begin(browser: Browser, quiz_id: str = "all-types") -> dict[str, Any]:
    """Start an attempt through the API; returns the attempt as the learner sees it."""
    response = browser.api("POST", f"/api/assessments/{quiz_id}/attempts")
    assert response.status_code == 201, response.text
    return response.json()


def right_answer(question: Any, shown: dict[str, Any]) -> Any:
    """The fully correct answer to a question as it was presented."""
    if isinstance(question, Single):
        return next(iter(question.correct_ids()))
    if isinstance(question, Multiple):
        return sorted(question.correct_ids())
    if isinstance(question, (TrueFalse, Numeric)):
        return question.answer
    if isinstance(question, Short):
        return question.accept[0]
    if isinstance(question, Ordering):
        return [shown["items"].index(item) for item in question.items]
    assert isinstance(question, Matching)
    return [shown["right"].index(pair.right) for pair in question.pairs]


def right_answers(quiz: Quiz, attempt: dict[str, Any]) -> dict[str, Any]:
    """The correct answer to every question of an attempt."""
    by_id = questions_by_id(quiz)
    return {q["id"]: right_answer(by_id[q["id"]], q) for q in attempt["questions"]}


def submit(browser: Browser, attempt: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Submit answers through the API; returns the result."""
    response = browser.api("POST", f"/api/attempts/{attempt['id']}/submit", {"answers": answers})
    assert response.status_code == 200, response.text
    return response.json()

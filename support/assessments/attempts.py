"""Attempts: start (drawing a paper), save answers, submit (grading on the server), time out.

The rules are enforced here with the caller's ``now`` (the app's injectable clock): the attempt
limit and the wait (:mod:`support.assessments.eligibility`), the time limit (with a learner's extra time from
:mod:`support.assessments.accommodations`) plus grace (saves after it are
refused; a late submission is graded from the answers saved in time, or scored zero, as the
quiz's ``late_policy`` says), and one submission per attempt. Only the owner reaches an attempt:
anyone else gets the same 404 as for an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.quizzes import LatePolicy, Quiz
from support.assessments import accommodations, certificates
from support.assessments.rows import dumps, loads
from support.clock import iso, parse
from support.db.store import Store
from support.errors import Conflict, NotFound
from support.assessments.grading import GradeResult, InvalidAnswers, Paper, Problem, draw_paper, grade, validate_answers
from support.assessments.eligibility import standing

_versions: dict[str, Quiz] = {}
Pages = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Submission:
    """A graded attempt: its row as stored, its grade, and the certificate it earned (None without one)."""

    attempt: dict[str, Any]
    grade: GradeResult
    certificate: dict[str, Any] | None


def save_version(db: Store, quiz: Quiz, now: dt.datetime) -> str:
    """Store the quiz as it is now (once per distinct content); returns its hash."""
    body = quiz.model_dump_json()
    digest = hashlib.sha256(body.encode()).hexdigest()
    db.execute("INSERT INTO quiz_versions (hash, quiz_id, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
               [digest, quiz.id, body, iso(now)])
    return digest


def version(db: Store, digest: str) -> Quiz:
    """The quiz an attempt was drawn from."""
    if digest not in _versions:
        row = db.one("SELECT body FROM quiz_versions WHERE hash = ?", [digest])
        _versions[digest] = Quiz.model_validate_json(row["body"])
    return _versions[digest]


PAPERS_REMEMBERED = 32


def paper(attempt: dict[str, Any]) -> Paper:
    """The attempt's drawn questions (parsed once per paper: a submission checks, grades and reviews the same one)."""
    return _parse_paper(attempt["paper"])


# A few dozen: what one request (or the thread pool's few at once) reuses. A paper is some 50 objects, and
# hundreds kept alive were most of what the young collections had to scan (10-16 ms pauses under load).
@functools.lru_cache(maxsize=PAPERS_REMEMBERED)
def _parse_paper(text: str) -> Paper:
    return Paper.model_validate_json(text)


def start(db: Store, quiz: Quiz, user_id: int, now: dt.datetime, pages: Pages) -> dict[str, Any]:
    """Start an attempt if the rules allow it now (else ``Conflict`` saying why and when); returns it."""
    with db.tx():  # an attempt whose time ran out is graded first, and stays graded whatever follows
        for row in db.all("SELECT * FROM attempts WHERE user_id = ? AND quiz_id = ? AND status = 'open'", [user_id, quiz.id]):
            expire(db, row, now, pages)
    with db.tx():
        refusal = standing(db, quiz, user_id).refusal(now)
        if refusal:
            raise Conflict(refusal)
        seed = str(secrets.randbits(64))
        drawn = draw_paper(quiz, random.Random(seed))
        limit = dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        extra = accommodations.extra_minutes(db, user_id, quiz.id) if limit else 0
        limit = limit + dt.timedelta(minutes=extra) if limit else None  # a learner's extra time (WCAG 2.2.1), enforced alike
        number = db.one("SELECT count(*) AS n FROM attempts WHERE user_id = ? AND quiz_id = ?", [user_id, quiz.id])["n"] + 1
        attempt_id = db.insert("attempts", {
            "user_id": user_id, "quiz_id": quiz.id, "quiz_hash": save_version(db, quiz, now), "role": quiz.role,
            "number": number, "seed": seed, "paper": drawn.model_dump_json(), "started_at": iso(now),
            "deadline": iso(now + limit) if limit else None, "extra_minutes": extra,
            "closes_at": iso(now + limit + dt.timedelta(seconds=quiz.grace_seconds)) if limit else None,
        })
    return get(db, attempt_id)


def get(db: Store, attempt_id: int) -> dict[str, Any]:
    """An attempt by id; ``NotFound`` otherwise."""
    row = db.one("SELECT * FROM attempts WHERE id = ?", [attempt_id])
    if row is None:
        raise NotFound(f"Attempt {attempt_id} not found")
    return row


def owned(db: Store, attempt_id: int, user: dict[str, Any], now: dt.datetime, pages: Pages, close: bool = True) -> dict[str, Any]:
    """The user's own attempt; 404 for anyone else's, like a missing one.

    With ``close`` an open attempt whose time ran out is graded first (as a timeout); submitting
    passes False so that a late submission is recorded as the learner's.
    """
    row = db.one("SELECT * FROM attempts WHERE id = ?", [attempt_id])
    if row is None or row["user_id"] != user["id"]:
        raise NotFound(f"Attempt {attempt_id} not found")
    if close and row["status"] == "open" and is_over(row, now):
        with db.tx():
            expire(db, row, now, pages)
        row = get(db, attempt_id)
    return row


def is_over(attempt: dict[str, Any], now: dt.datetime) -> bool:
    """True once the time limit and its grace have passed."""
    return attempt["closes_at"] is not None and now > parse(attempt["closes_at"])


def remaining_seconds(attempt: dict[str, Any], now: dt.datetime) -> int | None:
    """Seconds left until the deadline (0 when past it; None without a time limit)."""
    if attempt["deadline"] is None:
        return None
    return max(0, int((parse(attempt["deadline"]) - now).total_seconds()))


def save_answers(db: Store, attempt: dict[str, Any], answers: Any, now: dt.datetime) -> dict[str, Any]:
    """Replace the saved answers (``InvalidAnswers`` for unknown questions, options or shapes)."""
    check_open(attempt)
    if is_over(attempt, now):
        raise Conflict(f"The time limit passed at {_when(attempt['deadline'])}; submit to have the answers saved in time graded")
    cleaned = _validated(db, attempt, answers)
    with db.tx():
        done = db.execute("UPDATE attempts SET answers = ?, saved_at = ? WHERE id = ? AND status = 'open'",
                          [dumps(cleaned), iso(now), attempt["id"]]).rowcount
    if not done:
        raise Conflict(f"Attempt {attempt['id']} was already submitted")
    return get(db, attempt["id"])


def submit(db: Store, attempt: dict[str, Any], answers: Any, now: dt.datetime, pages: Pages) -> Submission:
    """Grade the attempt once: ``answers`` (if given, and in time) replace the saved ones; a second submission is a ``Conflict``."""
    check_open(attempt)
    late = is_over(attempt, now)
    given = loads(attempt["answers"], {}) if late or answers is None else _answered(answers)
    with db.tx():  # grading checks the answers: InvalidAnswers rolls the transaction back
        return _finish(db, attempt, given, late, "learner", now, pages)


def expire(db: Store, attempt: dict[str, Any], now: dt.datetime, pages: Pages) -> None:
    """Close an open attempt whose time ran out, graded as its late policy says (inside a transaction)."""
    if attempt["status"] == "open" and is_over(attempt, now):
        _finish(db, attempt, loads(attempt["answers"], {}), True, "timeout", parse(attempt["closes_at"]), pages)


def _finish(db: Store, attempt: dict[str, Any], answers: Mapping[str, Any], late: bool, by: str,
            when: dt.datetime, pages: Pages) -> Submission:
    check_open(attempt)
    quiz = version(db, attempt["quiz_hash"])
    zero = late and quiz.late_policy is LatePolicy.zero
    result = grade(quiz, paper(attempt), {} if zero else answers)
    if zero:
        result = result.model_copy(update={"score": 0.0, "passed": False, "earned": 0.0})
    # the status condition makes a concurrent second submission a Conflict; RETURNING saves reading the row back
    row = db.one(
        "UPDATE attempts SET status = 'submitted', answers = ?, submitted_at = ?, closed_by = ?, late = ?, score = ?, "
        "passed = ?, result = ? WHERE id = ? AND status = 'open' RETURNING *",
        [dumps(dict(answers)), iso(when), by, int(late), result.score, int(result.passed), result.model_dump_json(), attempt["id"]],
    )
    if row is None:  # a concurrent request submitted it first: say when
        check_open(get(db, attempt["id"]))
        raise Conflict(f"Attempt {attempt['id']} is no longer open")
    cert = None
    if result.passed and quiz.certification:
        user = db.one("SELECT * FROM users WHERE id = ?", [attempt["user_id"]])
        cert = certificates.issue(db, row, quiz, user, pages)
    return Submission(row, result, cert)


def problems(db: Store, attempt: dict[str, Any], answers: Any) -> list[Problem]:
    """Per-field problems with answers for this attempt (unknown questions or options, wrong shapes)."""
    return validate_answers(version(db, attempt["quiz_hash"]), paper(attempt), answers)


def _validated(db: Store, attempt: dict[str, Any], answers: Any) -> dict[str, Any]:
    found = problems(db, attempt, answers)
    if found:
        raise InvalidAnswers(found)
    return {k: v for k, v in answers.items() if v is not None}


def _answered(answers: Any) -> Any:
    """The answers without the unanswered (null) ones; anything but a mapping is left for grading to refuse."""
    return {k: v for k, v in answers.items() if v is not None} if isinstance(answers, Mapping) else answers


def check_open(attempt: dict[str, Any]) -> None:
    """``Conflict`` unless the attempt is still open (one submission per attempt)."""
    if attempt["status"] != "open":
        raise Conflict(f"Attempt {attempt['id']} was already submitted at {_when(attempt['submitted_at'])}")


def _when(stamp: str) -> str:
    return parse(stamp).strftime("%Y-%m-%d %H:%M:%S UTC")


def graded(db: Store, attempt: dict[str, Any]) -> Submission:
    """A submitted attempt's grade and certificate, read back (``Conflict`` before submission)."""
    if attempt["status"] != "submitted":
        raise Conflict(f"Attempt {attempt['id']} has not been submitted yet")
    cert = db.one("SELECT * FROM certificates WHERE attempt_id = ?", [attempt["id"]])
    return Submission(attempt, GradeResult.model_validate_json(attempt["result"]), cert)


def of_user(db: Store, user_id: int) -> list[dict[str, Any]]:
    """The learner's attempts, newest first."""
    return db.all("SELECT * FROM attempts WHERE user_id = ? ORDER BY id DESC", [user_id])

"""Retention checks: some days after certification (``PORTAL_RETENTION_DAYS``, 30 by default) the holder is offered a
short check of a few questions drawn from the certifying quiz (its pools and loose questions alike).

A check is not a certification attempt: it counts toward no attempt limit or wait and changes no certificate.
Its score is what the learner still knows; the retention rate of a group is the mean score of its checks.
Before submission the learner sees only :func:`support.assessments.grading.public_paper`, never a key.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any, Mapping

from generator.quizzes import Pool, Quiz, iter_questions
from support.assessments import attempts
from support.assessments.grading import Paper, draw_paper, grade, public_paper
from support.assessments.rows import dumps, loads
from support.clock import iso, parse
from support.db.store import Store
from support.errors import Conflict, NotFound

TARGET = 85.0


def offered(db: Store, user_id: int | None, now: dt.datetime, days: int) -> list[dict[str, Any]]:
    """Valid certificates whose check is due (``days`` after issue) and not yet taken; of one holder or of everyone."""
    where, args = ("AND c.user_id = ?", [user_id]) if user_id is not None else ("", [])
    rows = db.all(
        "SELECT c.*, u.email FROM certificates c JOIN users u ON u.id = c.user_id LEFT JOIN retention_checks r ON r.certificate_id = c.id "
        f"WHERE c.revoked_at IS NULL AND c.expires_at > ? AND (r.id IS NULL OR r.submitted_at IS NULL) {where} ORDER BY c.issued_at",
        [iso(now), *args])
    return [r for r in rows if parse(r["issued_at"]) + dt.timedelta(days=days) <= now]


def is_due(cert: dict[str, Any], now: dt.datetime, days: int) -> bool:
    """Whether a certificate's retention check may be taken at ``now``."""
    return not cert["revoked_at"] and parse(cert["issued_at"]) + dt.timedelta(days=days) <= now < parse(cert["expires_at"])


def start(db: Store, cert: dict[str, Any], quiz: Quiz, now: dt.datetime, days: int, count: int) -> dict[str, Any]:
    """The certificate's check (drawn now if it has none yet); ``Conflict`` when it is not due or already taken."""
    existing = db.one("SELECT * FROM retention_checks WHERE certificate_id = ?", [cert["id"]])
    if existing is not None:
        if existing["submitted_at"]:
            raise Conflict("You have taken this retention check already")
        return existing
    if not is_due(cert, now, days):
        raise Conflict(f"The retention check of this certificate opens {days} days after it was issued")
    paper = draw(quiz, count, random.Random(secrets.randbits(64)))
    with db.tx():
        digest = attempts.save_version(db, quiz, now)
        return db.insert_returning("retention_checks", {
            "user_id": cert["user_id"], "certificate_id": cert["id"], "role": cert["role"], "quiz_id": quiz.id,
            "quiz_hash": digest, "paper": paper.model_dump_json(), "started_at": iso(now)})


def draw(quiz: Quiz, count: int, rng: random.Random) -> Paper:
    """``count`` questions (at most all of them) drawn from every question the quiz has, pools included."""
    every = [q for _, q in iter_questions(quiz)]
    pool = Pool(pool="retention", draw=min(count, len(every)), questions=every)
    return draw_paper(quiz.model_copy(update={"questions": [pool], "shuffle_questions": True}), rng)


def of_certificate(db: Store, cert_id: int) -> dict[str, Any] | None:
    """The certificate's check, if it has one."""
    return db.one("SELECT * FROM retention_checks WHERE certificate_id = ?", [cert_id])


def get(db: Store, check_id: int, user_id: int) -> dict[str, Any]:
    """The learner's own check; ``NotFound`` for anyone else's."""
    check = db.one("SELECT * FROM retention_checks WHERE id = ? AND user_id = ?", [check_id, user_id])
    if check is None:
        raise NotFound(f"Retention check {check_id} not found")
    return check


def view(db: Store, check: dict[str, Any]) -> dict[str, Any]:
    """The check's questions as the learner's browser may see them (no key), with its result once submitted."""
    quiz = attempts.version(db, check["quiz_hash"])
    shown = public_paper(quiz, Paper.model_validate_json(check["paper"]))
    return {"id": check["id"], "certificate_id": check["certificate_id"], "title": quiz.title, "questions": shown["questions"],
            "submitted_at": check["submitted_at"], "score": check["score"], "result": loads(check["result"], [])}


def paper_questions(db: Store, check: dict[str, Any]) -> list[dict[str, Any]]:
    """The public questions of a check (what the form reads answers against)."""
    return view(db, check)["questions"]


def submit(db: Store, check: dict[str, Any], answers: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Grade the check (``InvalidAnswers`` for answers of the wrong shape); returns it as stored."""
    if check["submitted_at"]:
        raise Conflict("You have taken this retention check already")
    quiz = attempts.version(db, check["quiz_hash"])
    result = grade(quiz, Paper.model_validate_json(check["paper"]), answers)
    per_question = [{"id": q.id, "correct": q.correct} for q in result.questions]
    with db.tx():
        db.execute("UPDATE retention_checks SET submitted_at = ?, score = ?, result = ? WHERE id = ?",
                   [iso(now), result.score, dumps(per_question), check["id"]])
    return db.one("SELECT * FROM retention_checks WHERE id = ?", [check["id"]])


def submitted(db: Store) -> list[dict[str, Any]]:
    """Every submitted check with its result."""
    return db.all("SELECT * FROM retention_checks WHERE submitted_at IS NOT NULL ORDER BY submitted_at")

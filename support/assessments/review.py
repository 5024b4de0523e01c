"""The step before "Submit for grading": questions flagged to come back to, and the summary of answered, unanswered
and flagged questions that the learner confirms.

Flags are posted with the attempt form (``flag`` = a question id, once per flagged question) and kept with the
attempt; they change nothing in grading.
"""

from __future__ import annotations

from typing import Any

from support.assessments.rows import dumps, loads
from support.db.store import Store
from support.errors import Conflict

FLAG_FIELD = "flag"


def read_flags(questions: list[dict[str, Any]], values: list[Any]) -> tuple[list[str], dict[str, str]]:
    """The flagged question ids in paper order, and a message for each value that names no question of the attempt."""
    known = [q["id"] for q in questions]
    given = {str(v) for v in values}
    errors = {v: f"'{v}' is not a question of this attempt (it cannot be flagged)" for v in sorted(given - set(known))}
    return [qid for qid in known if qid in given], errors


def flags(attempt: dict[str, Any]) -> list[str]:
    """The question ids the learner flagged."""
    return loads(attempt.get("flags") or "[]", [])


def save_flags(db: Store, attempt_id: int, flagged: list[str]) -> None:
    """Replace the attempt's flags (``Conflict`` once it was submitted)."""
    with db.tx():
        done = db.execute("UPDATE attempts SET flags = ? WHERE id = ? AND status = 'open'", [dumps(flagged), attempt_id]).rowcount
    if not done:
        raise Conflict(f"Attempt {attempt_id} was already submitted")


def summary(questions: list[dict[str, Any]], answers: dict[str, Any], flagged: list[str]) -> dict[str, Any]:
    """Each question with its number and whether it is answered and flagged, and the counts of each."""
    rows = [{"id": q["id"], "number": n, "prompt": q["prompt"], "answered": answers.get(q["id"]) is not None,
             "flagged": q["id"] in flagged} for n, q in enumerate(questions, 1)]
    return {"questions": rows, "total": len(rows), "answered": sum(r["answered"] for r in rows),
            "unanswered": [r for r in rows if not r["answered"]], "flagged": [r for r in rows if r["flagged"]]}

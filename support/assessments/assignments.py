"""Assignments: a role's learning path given to a cohort or one learner, with a due date, and how each stands.

An assignment is complete for a learner once they hold a certificate of the role (not revoked): issued after the
assignment (time to proficiency is assignment to certificate), or already held when it was assigned (zero days).
A cohort's assignment applies to each of its members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.clock import iso, parse
from support.db.store import Store
from support.errors import NotFound

STATUSES = ("done", "overdue", "open")


def parse_due(text: str) -> dt.datetime | None:
    """A due date typed as ``YYYY-MM-DD`` (the end of that day, UTC), or None if it is not one."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC)


def assign(db: Store, role: str, due: dt.datetime, trainer_id: int, now: dt.datetime, cohort_id: int | None = None,
           user_id: int | None = None) -> int:
    """Assign ``role`` to a cohort or a learner (exactly one of them); the assignment's id."""
    with db.tx():
        return db.execute("INSERT INTO assignments (role, cohort_id, user_id, due_at, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                          [role, cohort_id, user_id, iso(due), trainer_id, iso(now)]).fetchone()[0]


def remove(db: Store, assignment_id: int) -> None:
    """Withdraw an assignment; ``NotFound`` if there is none."""
    with db.tx():
        if not db.execute("DELETE FROM assignments WHERE id = ?", [assignment_id]).rowcount:
            raise NotFound(f"Assignment {assignment_id} not found")


def listing(db: Store) -> list[dict[str, Any]]:
    """Every assignment with whom it is for (cohort name or learner), newest first."""
    return db.all("SELECT a.*, c.name AS cohort_name, u.email AS user_email, u.name AS user_name FROM assignments a "
                  "LEFT JOIN cohorts c ON c.id = a.cohort_id LEFT JOIN users u ON u.id = a.user_id ORDER BY a.assigned_at DESC, a.id DESC")


def learner_rows(db: Store, now: dt.datetime, user_id: int | None = None) -> list[dict[str, Any]]:
    """One row per (assignment, learner): the learner, the cohort (if any), dates, completion and status."""
    where, args = ("WHERE x.user_id = ?", [user_id]) if user_id is not None else ("", [])
    rows = db.all(
        "SELECT x.*, u.email, u.name, c.name AS cohort_name FROM ("
        "  SELECT a.id AS assignment_id, a.role, a.cohort_id, m.user_id, a.assigned_at, a.due_at FROM assignments a"
        "  JOIN cohort_members m ON m.cohort_id = a.cohort_id"
        "  UNION ALL SELECT a.id, a.role, NULL, a.user_id, a.assigned_at, a.due_at FROM assignments a WHERE a.user_id IS NOT NULL"
        f") x JOIN users u ON u.id = x.user_id LEFT JOIN cohorts c ON c.id = x.cohort_id {where} "
        "ORDER BY x.due_at, u.email", args)
    issued = _certified(db)
    return [_with_status(row, issued.get((row["user_id"], row["role"]), []), now) for row in rows]


def _certified(db: Store) -> dict[tuple[int, str], list[str]]:
    found: dict[tuple[int, str], list[str]] = {}
    for c in db.all("SELECT user_id, role, issued_at FROM certificates WHERE revoked_at IS NULL ORDER BY issued_at"):
        found.setdefault((c["user_id"], c["role"]), []).append(c["issued_at"])
    return found


def _with_status(row: dict[str, Any], issued: list[str], now: dt.datetime) -> dict[str, Any]:
    assigned = parse(row["assigned_at"])
    after = [parse(t) for t in issued if parse(t) >= assigned]
    done_at = after[0] if after else (assigned if issued else None)
    if done_at is not None and done_at > now:
        done_at = None
    status = "done" if done_at else "overdue" if parse(row["due_at"]) < now else "open"
    days = (done_at - assigned).total_seconds() / 86400 if done_at else None
    return {**row, "learner": row["name"] or row["email"], "completed_at": iso(done_at) if done_at else None,
            "status": status, "days_to_proficiency": days}

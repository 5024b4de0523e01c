"""Training reports per cohort and role over a date range, each figure beside the seeds' target.

The range selects assignments by the day they were made, attempts and retention checks by the day they were
submitted. Per (cohort, role) group: completion rate (> 90 %), pass rate at the first attempt and overall
(learners who passed at all; > 90 %), time to proficiency (assignment to certificate, median and 90th percentile,
< 14 days), overdue assignments, expiring and expired certificates, retention (mean score of the checks, > 85 %).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

from support.assessments import assignments, attempts, retention
from support.assessments.grading import question_index
from support.assessments.rows import loads
from support.clock import parse
from support.db.store import Store
from support.tables import Table

TARGETS = {"completion_rate": "> 90 %", "first_attempt_pass_rate": "> 90 %", "overall_pass_rate": "> 90 %",
           "proficiency_median_days": "< 14 days", "proficiency_p90_days": "< 14 days", "retention_rate": "> 85 %"}
SUMMARY = ["cohort", "role", "assigned", "completed", "completion_rate", "first_attempt_pass_rate", "overall_pass_rate",
           "proficiency_median_days", "proficiency_p90_days", "overdue", "expiring", "expired", "retention_checks", "retention_rate"]
DIRECT = "(assigned in person)"


@dataclass(frozen=True)
class Scope:
    """What a report covers: days ``start`` to ``end`` (both included), optionally one cohort and one role."""

    start: dt.date
    end: dt.date
    cohort_id: int | None = None
    role: str | None = None
    expiring_days: int = 30

    def holds(self, stamp: str | None) -> bool:
        """Whether a stored timestamp falls on a day of the range."""
        return stamp is not None and self.start <= parse(stamp).date() <= self.end


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` 0.5: the median) of ``values``, None if there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def groups(db: Store, scope: Scope, now: dt.datetime) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The assignment rows in scope by (cohort name or ``DIRECT``, role)."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in assignments.learner_rows(db, now):
        if not scope.holds(row["assigned_at"]) or (scope.role and row["role"] != scope.role):
            continue
        if scope.cohort_id is not None and row["cohort_id"] != scope.cohort_id:
            continue
        found.setdefault((row["cohort_name"] or DIRECT, row["role"]), []).append(row)
    return found


def figures(db: Store, rows: list[dict[str, Any]], role: str, scope: Scope, now: dt.datetime) -> dict[str, Any]:
    """Every figure of one group of assignment rows."""
    learners = {r["user_id"] for r in rows}
    tried = [a for a in _attempts(db, role) if a["user_id"] in learners and scope.holds(a["submitted_at"])]
    first = [a for a in tried if a["number"] == 1]
    passed_ever = {a["user_id"] for a in tried if a["passed"]}
    days = [r["days_to_proficiency"] for r in rows if r["days_to_proficiency"] is not None]
    certs = _latest_certificates(db, learners, role)
    soon = now + dt.timedelta(days=scope.expiring_days)
    checks = [c for c in retention.submitted(db) if c["user_id"] in learners and c["role"] == role and scope.holds(c["submitted_at"])]
    return {
        "assigned": len(rows), "completed": sum(r["status"] == "done" for r in rows),
        "completion_rate": _rate(sum(r["status"] == "done" for r in rows), len(rows)),
        "first_attempt_pass_rate": _rate(sum(bool(a["passed"]) for a in first), len(first)),
        "overall_pass_rate": _rate(len(passed_ever), len({a["user_id"] for a in tried})),
        "proficiency_median_days": _days(percentile(days, 0.5)), "proficiency_p90_days": _days(percentile(days, 0.9)),
        "overdue": sum(r["status"] == "overdue" for r in rows),
        "expiring": sum(now <= parse(c["expires_at"]) < soon for c in certs),
        "expired": sum(parse(c["expires_at"]) <= now for c in certs),
        "retention_checks": len(checks),
        "retention_rate": round(sum(c["score"] for c in checks) / len(checks), 1) if checks else None,
    }


def _attempts(db: Store, role: str) -> list[dict[str, Any]]:
    return db.all("SELECT user_id, number, passed, submitted_at FROM attempts WHERE role = ? AND status = 'submitted'", [role])


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _latest_certificates(db: Store, learners: set[int], role: str) -> list[dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    for c in db.all("SELECT * FROM certificates WHERE role = ? AND revoked_at IS NULL ORDER BY issued_at", [role]):
        if c["user_id"] in learners:
            latest[c["user_id"]] = c
    return list(latest.values())


def summary(db: Store, scope: Scope, now: dt.datetime, role_title: Callable[[str], str]) -> Table:
    """One row of figures per (cohort, role)."""
    table = Table("training_summary", "Training per cohort and role", SUMMARY)
    for (cohort, role), rows in sorted(groups(db, scope, now).items()):
        values = figures(db, rows, role, scope, now)
        table.rows.append([cohort, role_title(role), *[values[c] for c in SUMMARY[2:]]])
    return table


def overdue(db: Store, scope: Scope, now: dt.datetime, role_title: Callable[[str], str]) -> Table:
    """Every overdue assignment of a learner, the longest overdue first."""
    columns = ["cohort", "role", "learner", "email", "assigned", "due"]
    rows = [r for group in groups(db, scope, now).values() for r in group if r["status"] == "overdue"]
    return Table("training_overdue", "Overdue assignments", columns,
                 [[r["cohort_name"] or DIRECT, role_title(r["role"]), r["learner"], r["email"], r["assigned_at"][:10], r["due_at"][:10]]
                  for r in sorted(rows, key=lambda r: r["due_at"])])


def certificates_due(db: Store, scope: Scope, now: dt.datetime, role_title: Callable[[str], str]) -> Table:
    """The latest certificate of each learner in scope that expires within the window or has expired."""
    columns = ["role", "learner", "email", "certificate", "expires", "state"]
    table = Table("training_certificates", f"Certificates expiring within {scope.expiring_days} days or expired", columns)
    soon = now + dt.timedelta(days=scope.expiring_days)
    people = {(r["user_id"], role): r for (_, role), rows in groups(db, scope, now).items() for r in rows}
    for role in sorted({role for _, role in people}):
        for c in _latest_certificates(db, {uid for uid, r in people if r == role}, role):
            if parse(c["expires_at"]) < soon:
                who = people[(c["user_id"], role)]
                state = "expired" if parse(c["expires_at"]) <= now else "expiring"
                table.rows.append([role_title(role), who["learner"], who["email"], c["name"], c["expires_at"][:10], state])
    return table


def forgotten(db: Store, scope: Scope, now: dt.datetime, link: Callable[[str, str | None], dict[str, Any]]) -> Table:
    """The questions most often answered wrong in retention checks, each with the section that teaches it."""
    learners = {r["user_id"] for rows in groups(db, scope, now).values() for r in rows}
    counts: dict[tuple[str, str], list[int]] = {}
    hashes: dict[str, str] = {}
    for check in retention.submitted(db):
        if check["user_id"] not in learners or not scope.holds(check["submitted_at"]) or (scope.role and check["role"] != scope.role):
            continue
        hashes[check["quiz_id"]] = check["quiz_hash"]
        for item in loads(check["result"], []):
            seen = counts.setdefault((check["quiz_id"], item["id"]), [0, 0])
            seen[0] += 1
            seen[1] += int(not item["correct"])
    table = Table("retention_forgotten", "Questions most often forgotten", ["quiz", "question", "prompt", "asked", "forgotten", "teaches", "url"])
    for (quiz_id, qid), (asked, wrong) in sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0])):
        if wrong:
            question = question_index(attempts.version(db, hashes[quiz_id])).get(qid)
            teaches = link(question.teaches.ref, question.teaches.section) if question and question.teaches else {"title": "", "url": ""}
            table.rows.append([quiz_id, qid, question.prompt if question else qid, asked, wrong, teaches["title"], teaches["url"] or ""])
    return table

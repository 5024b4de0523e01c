"""Certification tracking for managers: per role, who is certified, expiring, expired or never certified.

A learner belongs to a role when they picked it, attempted one of its quizzes or hold one of its
certificates. Their status comes from their latest certificate for the role that is not revoked:
``certified``, ``expiring`` (valid, ends within N days), ``expired``, else ``never certified``.
The same tables feed the page, its CSV export and ``portal report certifications``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from support.assessments import certificates
from support.db.store import Store
from support.tables import Table

STATUS_ORDER = ("expired", "expiring", "never certified", "certified")
COLUMNS = ["role", "learner", "email", "status", "certificate", "code", "issued", "expires", "days_left",
           "content_changed", "last_attempt", "last_score"]


def learner_rows(db: Store, pages: dict[str, dict[str, Any]], now: dt.datetime, expiring_days: int,
                 role_title: Callable[[str], str]) -> list[dict[str, Any]]:
    """One row per (role, learner) with the learner's certification status, worst first within a role."""
    users = {u["id"]: u for u in db.all("SELECT id, email, name FROM users")}
    certs = db.all("SELECT * FROM certificates WHERE revoked_at IS NULL ORDER BY issued_at, id")
    latest = {(c["role"], c["user_id"]): c for c in certs}
    tries = db.all("SELECT user_id, role, submitted_at, score FROM attempts WHERE status = 'submitted' ORDER BY submitted_at, id")
    last_try = {(a["role"], a["user_id"]): a for a in tries}
    members = set(latest) | set(last_try)
    members |= {(r["role"], r["user_id"]) for r in db.all("SELECT role, user_id FROM learner_roles")}
    rows = [_row(role, users[uid], latest.get((role, uid)), last_try.get((role, uid)), pages, now, expiring_days, role_title)
            for role, uid in members if uid in users]
    return sorted(rows, key=lambda r: (r["role_title"], STATUS_ORDER.index(r["status"]), r["expires"] or "", r["learner"]))


def _row(role: str, user: dict[str, Any], cert: dict[str, Any] | None, last: dict[str, Any] | None,
         pages: dict[str, dict[str, Any]], now: dt.datetime, days: int, role_title: Callable[[str], str]) -> dict[str, Any]:
    row = {"role": role, "role_title": role_title(role), "user_id": user["id"], "learner": user["name"] or user["email"],
           "email": user["email"], "status": "never certified", "certificate": "", "certificate_id": None, "code": "",
           "issued": "", "expires": "", "days_left": "", "content_changed": False, "changed_pages": [],
           "last_attempt": last["submitted_at"][:10] if last else "", "last_score": last["score"] if last else ""}
    if cert is None:
        return row
    info = certificates.describe(cert, now, pages, days)
    status = "expired" if info["status"] == "expired" else "expiring" if info["expiring"] else "certified"
    return row | {"status": status, "certificate": cert["name"], "certificate_id": cert["id"], "code": info["pretty_code"],
                  "issued": cert["issued_at"][:10], "expires": cert["expires_at"][:10], "days_left": info["days_left"],
                  "content_changed": info["content_changed"], "changed_pages": info["changed_pages"]}


def by_role(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows grouped per role, with a count per status."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(row["role"], {"role": row["role"], "title": row["role_title"], "rows": [],
                                                "counts": dict.fromkeys(STATUS_ORDER, 0), "content_changed": 0})
        group["rows"].append(row)
        group["counts"][row["status"]] += 1
        group["content_changed"] += int(row["content_changed"])
    return list(groups.values())


def tables(rows: list[dict[str, Any]], expiring_days: int) -> list[Table]:
    """The summary, the expiring and expired certificates, and every learner's status."""
    summary = Table("certification_summary", "Certification per role",
                    ["role", "certified", "expiring", "expired", "never_certified", "content_changed"], chart="certified")
    for group in by_role(rows):
        c = group["counts"]
        summary.rows.append([group["role"], c["certified"], c["expiring"], c["expired"], c["never certified"], group["content_changed"]])
    return [
        summary,
        _table("expiring", f"Certificates expiring within {expiring_days} days", [r for r in rows if r["status"] == "expiring"]),
        _table("expired", "Expired certificates", [r for r in rows if r["status"] == "expired"]),
        _table("content_changed", "Certified before the content changed", [r for r in rows if r["content_changed"]]),
        _table("certification_status", "Every learner per role", rows),
    ]


def _table(name: str, title: str, rows: list[dict[str, Any]]) -> Table:
    def cell(row: dict[str, Any], column: str) -> Any:
        if column == "content_changed":
            return ", ".join(row["changed_pages"]) if row["content_changed"] else "no"
        return row[column]
    return Table(name, title, COLUMNS, [[cell(r, c) for c in COLUMNS] for r in rows])

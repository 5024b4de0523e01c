"""A learner's dashboard: roles, learning path progress, attempts, certificates, what to retake.

A learner's roles are the ones they picked plus those of the quizzes they attempted and the
certificates they hold. A learning path step is done when its article or runbook was read on the
site (or marked read), or (for an assessment) when it was passed; while the learner holds a valid
certificate of the role every step counts as done (``by``: "certificate"), so a certified role never
shows as partly done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.assessments import attempts as attempt_store
from support.assessments import certificates
from support.assessments.catalog import Catalog
from support.clock import iso
from support.db.store import Store
from support.errors import NotFound

SOON_DAYS = 30


def picked_roles(db: Store, user_id: int) -> list[str]:
    """Roles the learner chose on the dashboard."""
    return [r["role"] for r in db.all("SELECT role FROM learner_roles WHERE user_id = ? ORDER BY role", [user_id])]


def set_roles(db: Store, user_id: int, roles: list[str], catalog: Catalog, now: dt.datetime) -> None:
    """Replace the learner's chosen roles (``NotFound`` for a role the portal does not have)."""
    unknown = [r for r in roles if r not in catalog.roles]
    if unknown:
        raise NotFound(f"Role {unknown[0]} not found")
    with db.tx():
        db.execute("DELETE FROM learner_roles WHERE user_id = ?", [user_id])
        for role in dict.fromkeys(roles):
            db.execute("INSERT INTO learner_roles (user_id, role, added_at) VALUES (?, ?, ?)", [user_id, role, iso(now)])


def mark_read(db: Store, user_id: int, page_id: str, read: bool, now: dt.datetime) -> None:
    """Mark a KB page read (or not read any more) for the learner."""
    with db.tx():
        if read:
            db.execute("INSERT INTO page_reads (user_id, page_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [user_id, page_id, iso(now)])
        else:
            db.execute("DELETE FROM page_reads WHERE user_id = ? AND page_id = ?", [user_id, page_id])


def dashboard(db: Store, catalog: Catalog, pages: dict[str, dict[str, Any]], user: dict[str, Any], now: dt.datetime,
              assigned: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything ``/support/me`` shows, as plain data (also the JSON of ``GET /api/me/learning``); ``assigned``: roles
    a trainer assigned to the learner, shown first."""
    for row in db.all("SELECT * FROM attempts WHERE user_id = ? AND status = 'open'", [user["id"]]):
        with db.tx():
            attempt_store.expire(db, row, now, pages)
    tries = attempt_store.of_user(db, user["id"])
    certs = [certificates.describe(c, now, pages, SOON_DAYS) for c in certificates.of_user(db, user["id"])]
    reads = {r["page_id"] for r in db.all("SELECT page_id FROM page_reads WHERE user_id = ?", [user["id"]])}
    picked = picked_roles(db, user["id"])
    roles = list(dict.fromkeys([*assigned, *picked, *[c["role"] for c in certs], *[a["role"] for a in tries]]))
    passed = {a["quiz_id"] for a in tries if a["passed"]}
    return {
        "roles": [_role(catalog, pages, role, reads, passed, certs) for role in roles],
        "picked_roles": picked,
        "all_roles": [{"id": r.id, "title": r.title} for r in sorted(catalog.roles.values(), key=lambda r: r.title)],
        "attempts": [_attempt(catalog, a) for a in tries],
        "certificates": [_public_cert(catalog, c) for c in certs],
        "todo": _todo(catalog, pages, tries, certs, passed),
    }


def _role(catalog: Catalog, pages: dict[str, Any], role_id: str, reads: set[str], passed: set[str], certs: list[dict]) -> dict[str, Any]:
    role = catalog.roles.get(role_id)
    steps = [_step(catalog, pages, s.kind, s.ref, s.note, reads, passed) for s in (role.learning_path if role else [])]
    held = [c for c in certs if c["role"] == role_id and c["status"] == "valid"]
    for step in steps:
        step["by"] = "read" if step["done"] and step["external"] else "passed" if step["done"] else None
        if held and not step["done"]:
            step["done"], step["by"] = True, "certificate"
    return {"id": role_id, "title": catalog.role_title(role_id), "steps": steps, "done": sum(s["done"] for s in steps),
            "certified": bool(held), "certificate_expires": held[0]["expires_at"] if held else None}


def _step(catalog: Catalog, pages: dict[str, Any], kind: str, ref: str, note: str, reads: set[str], passed: set[str]) -> dict[str, Any]:
    if kind == "assessment":
        quiz = catalog.quizzes.get(ref)
        return {"kind": kind, "id": ref, "title": quiz.title if quiz else ref, "url": f"/support/assessments/{ref}",
                "note": note, "done": ref in passed, "external": False}
    page = pages.get(ref, {})
    return {"kind": kind, "id": ref, "title": page.get("title", ref), "url": page.get("url"), "note": note,
            "done": ref in reads, "external": True}


def _attempt(catalog: Catalog, a: dict[str, Any]) -> dict[str, Any]:
    quiz = catalog.quizzes.get(a["quiz_id"])
    keys = ("id", "quiz_id", "number", "status", "started_at", "deadline", "submitted_at", "closed_by", "late", "score")
    return {**{k: a[k] for k in keys}, "passed": None if a["passed"] is None else bool(a["passed"]),
            "title": quiz.title if quiz else a["quiz_id"]}


def _public_cert(catalog: Catalog, c: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "code", "pretty_code", "name", "role", "quiz_id", "quiz_title", "score", "issued_at", "expires_at",
            "status", "days_left", "expiring", "content_changed", "changed_pages")
    return {**{k: c[k] for k in keys}, "role_title": catalog.role_title(c["role"])}


def _todo(catalog: Catalog, pages: dict[str, Any], tries: list[dict], certs: list[dict], passed: set[str]) -> list[dict[str, Any]]:
    todo, seen = [], set()
    for cert in certs:  # newest first: only the latest certificate of each quiz counts
        if cert["quiz_id"] in seen or cert["status"] == "revoked":
            continue
        seen.add(cert["quiz_id"])
        reason = _renewal_reason(cert, pages)
        if reason and cert["quiz_id"] in catalog.quizzes:
            todo.append({"quiz_id": cert["quiz_id"], "title": cert["quiz_title"], "reason": reason,
                         "url": f"/support/assessments/{cert['quiz_id']}"})
    for quiz_id in dict.fromkeys(a["quiz_id"] for a in tries if a["status"] == "submitted"):
        if quiz_id not in passed and quiz_id in catalog.quizzes:
            todo.append({"quiz_id": quiz_id, "title": catalog.quizzes[quiz_id].title, "reason": "not passed yet",
                         "url": f"/support/assessments/{quiz_id}"})
    return todo


def _renewal_reason(cert: dict[str, Any], pages: dict[str, Any]) -> str | None:
    if cert["status"] == "expired":
        return f"certificate expired on {cert['expires_at'][:10]}"
    if cert["expiring"]:
        return f"certificate expires on {cert['expires_at'][:10]}"
    if cert["content_changed"]:
        titles = ", ".join(pages.get(p, {}).get("title", p) for p in cert["changed_pages"])
        return f"content changed since certification: {titles}"
    return None

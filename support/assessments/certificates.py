"""Certificates: issued by a passed attempt, verified by a public code, expiring, revocable.

A certificate keeps a snapshot of the content fingerprints (sha256 of the source files, from the
build's ``kb.json``) of every article and runbook its quiz covers or links a question to. When the
current build's fingerprint of any of them differs, the certificate is flagged "content changed
since certification": the procedure it certified may no longer be the one in the docs.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from generator.quizzes import Quiz, iter_questions
from support.assessments.rows import dumps, loads
from support.clock import iso, parse
from support.db.store import Store
from support.errors import Conflict, NotFound

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L or U: easy to read out and type
CODE_LENGTH = 12
STATUSES = ("valid", "expired", "revoked")


def new_code() -> str:
    """A random verification code: 12 characters, about 59 bits."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A code as typed (any case, with spaces or dashes) in its stored form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def pretty_code(code: str) -> str:
    """A code in groups of four, e.g. ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def covered_pages(quiz: Quiz) -> list[str]:
    """Ids of the articles and runbooks the quiz covers or teaches from, in first-seen order."""
    refs = [c.ref for c in quiz.covers] + [q.teaches.ref for _, q in iter_questions(quiz) if q.teaches]
    return list(dict.fromkeys(refs))


def holder_name(user: dict[str, Any]) -> str:
    """The name printed on a certificate: the account's name, else its email with the mailbox masked."""
    if user.get("name"):
        return user["name"]
    local, _, domain = user["email"].partition("@")
    return f"{local[:1]}***@{domain}"


def issue(db: Store, attempt: dict[str, Any], quiz: Quiz, user: dict[str, Any], pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Issue the certificate of a passed attempt (inside the grading transaction); returns it as stored."""
    cert = quiz.certification
    if cert is None:
        raise Conflict(f"Assessment {quiz.id} issues no certificate")
    issued = parse(attempt["submitted_at"])
    prints = {pid: pages[pid]["fingerprint"] for pid in covered_pages(quiz) if pages.get(pid, {}).get("fingerprint")}
    return db.insert_returning("certificates", {
        "code": new_code(), "user_id": user["id"], "holder_name": holder_name(user), "attempt_id": attempt["id"],
        "quiz_id": quiz.id, "quiz_title": quiz.title, "name": cert.name, "role": cert.role, "score": attempt["score"],
        "issued_at": iso(issued), "expires_at": iso(issued + dt.timedelta(days=cert.validity_days)),
        "fingerprints": dumps(prints),
    })


def status(cert: dict[str, Any], now: dt.datetime) -> str:
    """``valid``, ``expired`` or ``revoked``."""
    if cert["revoked_at"]:
        return "revoked"
    return "expired" if now >= parse(cert["expires_at"]) else "valid"


def changed_pages(cert: dict[str, Any], pages: dict[str, dict[str, Any]]) -> list[str]:
    """Covered pages whose current fingerprint differs from the one at issue (or that are gone); none without a KB."""
    if not pages:
        return []
    return [pid for pid, fp in loads(cert["fingerprints"], {}).items() if pages.get(pid, {}).get("fingerprint") != fp]


def describe(cert: dict[str, Any], now: dt.datetime, pages: dict[str, dict[str, Any]], soon_days: int = 30) -> dict[str, Any]:
    """A certificate row with its status, days left, whether it expires soon, and the changed pages."""
    state = status(cert, now)
    left = parse(cert["expires_at"]) - now
    changed = changed_pages(cert, pages)
    return {**cert, "status": state, "days_left": left.days, "pretty_code": pretty_code(cert["code"]),
            "expiring": state == "valid" and left <= dt.timedelta(days=soon_days), "content_changed": bool(changed),
            "changed_pages": changed, "fingerprints": loads(cert["fingerprints"], {})}


def by_code(db: Store, code: str) -> dict[str, Any]:
    """The certificate with a verification code; ``NotFound`` otherwise."""
    cert = db.one("SELECT * FROM certificates WHERE code = ?", [normalize_code(code)])
    if cert is None:
        raise NotFound("No certificate has this verification code; check that it was typed completely")
    return cert


def by_id(db: Store, cert_id: int) -> dict[str, Any]:
    """The certificate with ``cert_id``; ``NotFound`` otherwise."""
    cert = db.one("SELECT * FROM certificates WHERE id = ?", [cert_id])
    if cert is None:
        raise NotFound(f"Certificate {cert_id} not found")
    return cert


def public(cert: dict[str, Any], now: dt.datetime, role_title: str) -> dict[str, Any]:
    """What a verifier sees: holder, certificate, role, dates and status, nothing else."""
    return {"code": pretty_code(cert["code"]), "status": status(cert, now), "holder": cert["holder_name"],
            "certificate": cert["name"], "role": cert["role"], "role_title": role_title,
            "issued": cert["issued_at"][:10], "expires": cert["expires_at"][:10]}


def of_user(db: Store, user_id: int) -> list[dict[str, Any]]:
    """The learner's certificates, newest first."""
    return db.all("SELECT * FROM certificates WHERE user_id = ? ORDER BY id DESC", [user_id])


def revoke(db: Store, cert_id: int, reason: str, now: dt.datetime) -> None:
    """Revoke a certificate (``Conflict`` if it already is)."""
    with db.tx():
        done = db.execute("UPDATE certificates SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                          [iso(now), reason.strip(), cert_id]).rowcount
    if not done:
        raise Conflict(f"Certificate {cert_id} is already revoked")

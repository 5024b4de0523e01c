"""The HR export: every certificate with its holder and status, and each holder's standing, as rows for JSON or CSV.

HR systems read it with their own bearer token (``PORTAL_HR_API_TOKEN``), never a browser session.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from support.assessments import certificates
from support.db.store import Store
from support.tables import Table

CERTIFICATE_FIELDS = ("code", "holder_email", "holder_name", "certificate", "role", "quiz_id", "score", "issued", "expires",
                      "status", "revoked", "revoked_reason")
HOLDER_FIELDS = ("holder_email", "holder_name", "certificates", "valid", "expired", "revoked", "valid_roles", "next_expiry")


def token_ok(expected: str | None, authorization: str) -> bool:
    """True when ``Authorization: Bearer <token>`` carries the configured token (never when none is configured)."""
    scheme, _, given = authorization.partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), expected.encode())


def certificate_rows(db: Store, now: dt.datetime) -> list[dict[str, Any]]:
    """Every certificate, oldest first, with its holder's address and its status at ``now``."""
    rows = db.all("SELECT c.*, u.email FROM certificates c JOIN users u ON u.id = c.user_id ORDER BY c.id")
    return [{"code": certificates.pretty_code(r["code"]), "holder_email": r["email"], "holder_name": r["holder_name"],
             "certificate": r["name"], "role": r["role"], "quiz_id": r["quiz_id"], "score": r["score"],
             "issued": r["issued_at"], "expires": r["expires_at"], "status": certificates.status(r, now),
             "revoked": r["revoked_at"], "revoked_reason": r["revoked_reason"] or None} for r in rows]


def holder_rows(certs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per holder: counts by status, the roles they hold a valid certificate for, and the soonest valid expiry."""
    holders: dict[str, dict[str, Any]] = {}
    for cert in certs:
        row = holders.setdefault(cert["holder_email"], {"holder_email": cert["holder_email"], "holder_name": cert["holder_name"],
                                                        "certificates": 0, "valid": 0, "expired": 0, "revoked": 0,
                                                        "valid_roles": [], "next_expiry": None})
        row["certificates"] += 1
        row[cert["status"]] += 1
        if cert["status"] == "valid":
            row["valid_roles"] = sorted({*row["valid_roles"], cert["role"]})
            row["next_expiry"] = min(filter(None, [row["next_expiry"], cert["expires"]]))
    return sorted(holders.values(), key=lambda r: r["holder_email"])


def table(name: str, rows: list[dict[str, Any]], fields: tuple[str, ...]) -> Table:
    """Rows as a report table (for CSV): lists joined by spaces, missing values empty."""
    cells = [[" ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (row.get(k) for k in fields)] for row in rows]
    return Table(name, name.replace("-", " ").capitalize(), list(fields), cells)

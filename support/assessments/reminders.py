"""Certificate reminders: the holder hears 30 days and 7 days before a certificate expires, and when it has.

Each stage is mailed once per certificate, and only the latest one due (a certificate first seen 5 days
before expiry gets "7 days", not "30 days" as well); none for a revoked certificate, or once the holder
holds a newer certificate of the same quiz.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.clock import iso, parse
from support.db.store import Store
from support.notifications import service as notifications
from support.settings import Settings

STAGES = (("expired", 0), ("7 days", 7), ("30 days", 30))  # latest first
REASON = "you hold this certificate of the portal's training."


def stage_due(cert: dict[str, Any], now: dt.datetime) -> str | None:
    """The latest reminder stage a certificate has reached at ``now`` (None: more than 30 days left)."""
    left = parse(cert["expires_at"]) - now
    for stage, days in STAGES:
        if left <= dt.timedelta(days=days):
            return stage
    return None


def candidates(db: Store, now: dt.datetime) -> list[dict[str, Any]]:
    """Unrevoked certificates within 30 days of expiry (or past it), with the holder's address, and no newer one of the quiz."""
    return db.all(
        "SELECT c.*, u.email FROM certificates c JOIN users u ON u.id = c.user_id "
        "WHERE c.revoked_at IS NULL AND u.disabled = 0 AND c.expires_at <= ? AND NOT EXISTS ("
        "  SELECT 1 FROM certificates n WHERE n.user_id = c.user_id AND n.quiz_id = c.quiz_id AND n.issued_at > c.issued_at "
        "  AND n.revoked_at IS NULL)", [iso(now + dt.timedelta(days=30))])


def send_due(db: Store, settings: Settings, now: dt.datetime) -> int:
    """Queue every reminder due (each stage once, recorded in the same transaction); how many were queued."""
    queued = 0
    with db.tx():
        for cert in candidates(db, now):
            stage = stage_due(cert, now)
            if stage is None or _sent_at_or_after(db, cert["id"], stage):
                continue
            db.execute("INSERT INTO certificate_reminders (certificate_id, stage, sent_at) VALUES (?, ?, ?)", [cert["id"], stage, iso(now)])
            _mail(db, settings, cert, stage, now)
            queued += 1
    return queued


def _sent_at_or_after(db: Store, cert_id: int, stage: str) -> bool:
    later = [name for name, _ in STAGES[: [s for s, _ in STAGES].index(stage) + 1]]
    marks = ",".join("?" * len(later))
    return db.one(f"SELECT 1 AS x FROM certificate_reminders WHERE certificate_id = ? AND stage IN ({marks})", [cert_id, *later]) is not None


def _mail(db: Store, settings: Settings, cert: dict[str, Any], stage: str, now: dt.datetime) -> None:
    days = max(0, (parse(cert["expires_at"]) - now).days)
    values = {"certificate": {k: cert[k] for k in ("id", "quiz_title", "name", "holder_name", "expires_at")},
              "days": days, "expires": cert["expires_at"][:10], "reason": REASON,
              "certificate_url": notifications.link(settings, f"/support/certificates/{cert['id']}"),
              "retake_url": notifications.link(settings, f"/support/assessments/{cert['quiz_id']}")}
    kind = "certificate_expired" if stage == "expired" else "certificate_expiring"
    notifications.enqueue(db, settings, kind, [cert["email"]], values, now)

"""Training reminders through the outbox, each sent once (``training_reminders`` keeps its key):

- ``assignment_due``: an assignment not complete is due within ``PORTAL_ASSIGNMENT_DUE_SOON_DAYS``;
- ``assignment_overdue``: its due date passed and it is not complete;
- ``retention_due``: a certificate's retention check opened (``PORTAL_RETENTION_DAYS`` after issue);
- ``content_changed``: a page the certificate covers changed since it was issued (the build's content fingerprint
  differs from the one recorded at issue); once per set of changes;
- ``trainer_digest``: each trainer's weekly summary, once per ISO week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Callable

from support.assessments import assignments, retention
from support.assessments.certificates import changed_pages
from support.clock import iso, parse
from support.db.store import Store
from support.notifications import service as notifications
from support.settings import Settings

REASON = "you take part in the portal's training."


def read_pages(settings: Settings) -> dict[str, dict[str, Any]]:
    """The build's pages from ``kb.json`` (none when it is missing or unreadable)."""
    try:
        export = json.loads(settings.kb_file.read_bytes())
        return {str(p["id"]): p for p in export.get("pages", []) if isinstance(p, dict) and p.get("id")}
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return {}


def send_due(db: Store, settings: Settings, now: dt.datetime, pages: dict[str, dict[str, Any]] | None = None,
             role_title: Callable[[str], str] = str) -> int:
    """Queue every training reminder due at ``now``; how many were queued (``role_title``: a role's title from its id)."""
    pages = read_pages(settings) if pages is None else pages
    queued = 0
    with db.tx():
        for key, kind, to, values in [*_assignments(db, settings, now, role_title), *_retention(db, settings, now),
                                      *_changes(db, settings, pages, now), *_digests(db, settings, now)]:
            if db.one("SELECT 1 AS x FROM training_reminders WHERE key = ?", [key]):
                continue
            db.execute("INSERT INTO training_reminders (key, kind, sent_at) VALUES (?, ?, ?)", [key, kind, iso(now)])
            notifications.enqueue(db, settings, kind, [to], {"reason": REASON, **values}, now)
            queued += 1
    return queued


def _assignments(db: Store, settings: Settings, now: dt.datetime, role_title: Callable[[str], str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    soon = dt.timedelta(days=settings.assignment_due_soon_days)
    for row in assignments.learner_rows(db, now):
        values = {"learner": row["learner"], "role_title": role_title(row["role"]), "due": row["due_at"][:10],
                  "learning_url": notifications.link(settings, "/support/me")}
        ident = f"{row['assignment_id']}:{row['user_id']}"
        if row["status"] == "overdue":
            found.append((f"overdue:{ident}", "assignment_overdue", row["email"], values))
        elif row["status"] == "open" and parse(row["due_at"]) - now <= soon:
            found.append((f"due:{ident}", "assignment_due", row["email"], values))
    return found


def _retention(db: Store, settings: Settings, now: dt.datetime) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(f"retention:{c['id']}", "retention_due", c["email"],
             {"learner": c["holder_name"], "name": c["name"], "days": settings.retention_days,
              "check_url": notifications.link(settings, f"/support/retention/{c['id']}")})
            for c in retention.offered(db, None, now, settings.retention_days)]


def _changes(db: Store, settings: Settings, pages: dict[str, dict[str, Any]], now: dt.datetime) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    certs = db.all("SELECT c.*, u.email FROM certificates c JOIN users u ON u.id = c.user_id "
                   "WHERE c.revoked_at IS NULL AND c.expires_at > ? AND u.disabled = 0", [iso(now)])
    for cert in certs:
        changed = changed_pages(cert, pages)
        if not changed:
            continue
        stamp = hashlib.sha256("|".join(f"{p}={pages.get(p, {}).get('fingerprint')}" for p in changed).encode()).hexdigest()[:16]
        shown = [{"title": pages.get(p, {}).get("title", p), "url": f"{settings.site_url}/{pages[p]['url']}" if p in pages else ""}
                 for p in changed]
        found.append((f"changed:{cert['id']}:{stamp}", "content_changed", cert["email"],
                      {"learner": cert["holder_name"], "name": cert["name"], "pages": shown,
                       "certificate_url": notifications.link(settings, f"/support/certificates/{cert['id']}")}))
    return found


def _digests(db: Store, settings: Settings, now: dt.datetime) -> list[tuple[str, str, str, dict[str, Any]]]:
    trainers = db.all("SELECT id, email, name FROM users WHERE role = 'trainer' AND disabled = 0")
    if not trainers:
        return []
    rows = assignments.learner_rows(db, now)
    soon = dt.timedelta(days=settings.assignment_due_soon_days)
    week_ago = now - dt.timedelta(days=7)
    year, week, _ = now.isocalendar()
    values = {"week": f"{year}-W{week:02d}", "soon_days": settings.assignment_due_soon_days,
              "overdue": sum(r["status"] == "overdue" for r in rows),
              "due_soon": sum(r["status"] == "open" and parse(r["due_at"]) - now <= soon for r in rows),
              "completed": sum(r["status"] == "done" and parse(r["completed_at"]) >= week_ago for r in rows),
              "retention": len(retention.offered(db, None, now, settings.retention_days)),
              "training_url": notifications.link(settings, "/support/training")}
    if not any(values[k] for k in ("overdue", "due_soon", "completed", "retention")):
        return []  # a week with nothing to tell sends no digest
    return [(f"digest:{t['id']}:{values['week']}", "trainer_digest", t["email"], {"trainer": t["name"] or t["email"], **values})
            for t in trainers]

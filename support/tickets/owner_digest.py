"""The owners' weekly digest: each owner of articles and runbooks hears of their reviews due soon and overdue,
and of their pages behind the most tickets that week.

Owners are named in the sources as teams; ``owners.yml`` (``PORTAL_OWNERS_FILE``, default ``<portal>/owners.yml``,
checked by ``portal check``) gives their addresses. The digest goes once a week, on ``PORTAL_OWNER_DIGEST_WEEKDAY``
at ``PORTAL_DIGEST_HOUR`` (UTC), or at the first round after it if the server was down then; each owner's week is
recorded with its messages, so it is sent once. An owner with nothing due and no tickets gets no mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.owners import load_owners
from support.db.store import Store
from support.notifications import service as notifications
from support.settings import Settings

log = logging.getLogger("support.owners")
TOP_PAGES = 5
KIND = "owner_digest"
REASON = "your team owns these pages of the portal (owners.yml)."


@dataclass
class OwnerDigest:
    """What one owner is told: pages overdue and due soon (each with its due date), and pages behind tickets this week."""

    owner: str
    overdue: list[dict[str, Any]] = field(default_factory=list)
    due_soon: list[dict[str, Any]] = field(default_factory=list)
    busiest: list[dict[str, Any]] = field(default_factory=list)

    def empty(self) -> bool:
        """True when there is nothing to tell."""
        return not (self.overdue or self.due_soon or self.busiest)


_read: dict[tuple[Path, float], dict[str, list[str]]] = {}


def read_owners(path: Path | None) -> dict[str, list[str]]:
    """Owner -> addresses from the owners file; {} when there is none or it has errors (logged with their lines, once a version)."""
    try:
        stamp = (path, path.stat().st_mtime) if path is not None else None
    except OSError:
        return {}
    if stamp is None:
        return {}
    if stamp not in _read:
        problems = Problems()
        owners, _ = load_owners(stamp[0], str(stamp[0]), problems)
        for problem in problems.items:
            log.warning("owners' digest: %s", problem.format())
        _read.clear()
        _read[stamp] = dict(owners.owners) if owners else {}
    return _read[stamp]


def latest_week(now: dt.datetime, weekday: int, hour: int) -> dt.datetime:
    """The latest weekly digest time at or before ``now`` (``weekday`` 0 = Monday, at ``hour`` UTC)."""
    now = now.astimezone(dt.UTC)
    moment = (now - dt.timedelta(days=(now.weekday() - weekday) % 7)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment <= now else moment - dt.timedelta(days=7)


def gather(pages: dict[str, dict[str, Any]], tickets_this_week: dict[str, int], today: dt.date) -> dict[str, OwnerDigest]:
    """Each owner's digest from the KB pages (with ``review_due``/``review_soon_from``) and this week's ticket counts."""
    digests: dict[str, OwnerDigest] = {}
    for ident, page in sorted(pages.items(), key=lambda item: item[1].get("review_due") or ""):
        owner = page.get("owner") or ""
        digest = digests.setdefault(owner, OwnerDigest(owner))
        due, soon = page.get("review_due"), page.get("review_soon_from")
        if due and due < today.isoformat():
            digest.overdue.append({**page, "id": ident})
        elif soon and soon <= today.isoformat():
            digest.due_soon.append({**page, "id": ident})
    for ident, count in sorted(tickets_this_week.items(), key=lambda item: (-item[1], item[0])):
        page = pages.get(ident)
        if page is not None and len(digests[page.get("owner") or ""].busiest) < TOP_PAGES:
            digests[page.get("owner") or ""].busiest.append({**page, "id": ident, "tickets": count})
    return digests


def send(db: Store, settings: Settings, pages: dict[str, dict[str, Any]], tickets_this_week: dict[str, int],
         now: dt.datetime) -> int:
    """Queue this week's digest of each owner in the owners file not yet told this week; how many were queued."""
    owners = read_owners(settings.owners_path)
    if not owners:
        return 0
    week = latest_week(now, settings.owner_digest_weekday, settings.digest_hour).date().isoformat()
    sent = 0
    for owner, digest in gather(pages, tickets_this_week, now.date()).items():
        if owner not in owners or digest.empty():
            continue
        values = _values(settings, digest, week)
        sent += notifications.send_once(db, settings, owner, week, KIND, owners[owner], values, now)
    return sent


def _values(settings: Settings, digest: OwnerDigest, week: str) -> dict[str, Any]:
    def linked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # the fields the digest shows, not the page's text: the outbox keeps these values until it is sent
        return [{**{k: r.get(k) for k in ("id", "title", "type", "review_due", "tickets")},
                 "link": notifications.page_link(settings, r.get("url", ""))} for r in rows]

    return {"owner": digest.owner, "week": week, "overdue": len(digest.overdue), "due_soon": len(digest.due_soon),
            "overdue_pages": linked(digest.overdue), "due_soon_pages": linked(digest.due_soon),
            "busiest_pages": linked(digest.busiest), "reason": REASON}

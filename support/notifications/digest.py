"""Daily digests: the notifications an agent or learner chose to get once a day, gathered into one mail.

Any kind in ``compose.OPTIONAL`` can go to a digest, with no change here: ``service.enqueue`` keeps the
rendered subject and the link of a notification held for a digest (the first of its values ``digest_url``,
``ticket_url``, ``page_url``, ``url``) in ``digest_items`` instead of queueing a mail. Once a day, from
``PORTAL_DIGEST_HOUR`` (UTC), ``send_due`` turns each recipient's waiting items into one outbox message and
marks them with its id in the same transaction: a crash before the commit leaves them waiting for the next
round, after it the outbox delivers the digest at least once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.clock import iso
from support.db.store import Store
from support.notifications import compose, outbox

MODES = ("immediate", "daily")
EVERY = "*"  # the mode row that applies to every kind without one of its own
LINK_KEYS = ("digest_url", "ticket_url", "certificate_url", "page_url", "url")
KIND = "daily_digest"
BATCH = 50  # recipients per round


def modes(db: Store, email: str) -> dict[str, str]:
    """The modes ``email`` chose: per kind, and under ``EVERY`` the overall one (rows only where chosen)."""
    return {r["kind"]: r["mode"] for r in db.all("SELECT kind, mode FROM mail_delivery WHERE email = ?", [email])}


def set_modes(db: Store, email: str, chosen: dict[str, str]) -> None:
    """Keep ``chosen`` (kind or ``EVERY`` -> mode) as ``email``'s modes; a kind left out follows the overall mode."""
    with db.tx():
        db.execute("DELETE FROM mail_delivery WHERE email = ?", [email])
        for kind, mode in chosen.items():
            if mode in MODES and (kind == EVERY or kind in compose.OPTIONAL):
                db.execute("INSERT INTO mail_delivery (email, kind, mode) VALUES (?, ?, ?)", [email, kind, mode])


def daily(db: Store, kind: str, recipients: list[str]) -> set[str]:
    """Those of ``recipients`` who get ``kind`` in their daily digest (their choice for the kind, else their overall one)."""
    if kind not in compose.OPTIONAL or not recipients:
        return set()
    marks = ", ".join("?" * len(recipients))
    rows = db.all(f"SELECT lower(email) AS email, kind, mode FROM mail_delivery WHERE kind IN (?, ?) AND email IN ({marks})",
                  [kind, EVERY, *recipients])
    chosen: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r["kind"] != EVERY):  # the overall mode first, the kind's own wins
        chosen[row["email"]] = row["mode"]
    return {email for email, mode in chosen.items() if mode == "daily"}


def hold(db: Store, kind: str, recipient: str, subject: str, values: dict[str, Any], ticket_id: int | None,
         now: dt.datetime) -> int:
    """Keep one notification for ``recipient``'s next digest (inside the caller's transaction); its id."""
    link = next((str(values[k]) for k in LINK_KEYS if values.get(k)), None)
    return db.insert("digest_items", {"recipient": recipient, "kind": kind, "subject": subject, "link": link,
                                      "ticket_id": ticket_id, "created_at": iso(now), "outbox_id": None})


def cutoff(now: dt.datetime, hour: int) -> dt.datetime:
    """The latest digest time at or before ``now``: today at ``hour`` (UTC) once it has passed, else yesterday's."""
    today = now.astimezone(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if now >= today else today - dt.timedelta(days=1)


def send_due(db: Store, hour: int, values: dict[str, Any], now: dt.datetime) -> int:
    """Queue the digest of each recipient with items from before the latest digest time; how many were queued.

    ``values`` are the template's common values (``site_name``, ``preferences_url``).
    """
    cut = iso(cutoff(now, hour))
    recipients = [r["recipient"] for r in db.all(
        "SELECT DISTINCT recipient FROM digest_items WHERE outbox_id IS NULL AND created_at < ? LIMIT ?", [cut, BATCH])]
    for recipient in recipients:
        with db.tx():
            _queue_one(db, recipient, cut, values, now)
    return len(recipients)


def _queue_one(db: Store, recipient: str, cut: str, values: dict[str, Any], now: dt.datetime) -> None:
    items = db.all("SELECT * FROM digest_items WHERE recipient = ? AND outbox_id IS NULL AND created_at < ? ORDER BY id",
                   [recipient, cut])
    if not items:  # another round took them first
        return
    day = items[0]["created_at"][:10] if items[0]["created_at"][:10] == items[-1]["created_at"][:10] else None
    content = compose.render(KIND, {**values, "items": items, "count": len(items), "day": day or "the last days",
                                    "reason": "you chose a daily digest of these notifications."})
    outbox_id = outbox.add(db, {"kind": KIND, "recipient": recipient, "ticket_id": None, **content}, now)
    db.execute(f"UPDATE digest_items SET outbox_id = ? WHERE id IN ({', '.join('?' * len(items))})",
               [outbox_id, *(i["id"] for i in items)])

"""Outbox queries: queue a message, the messages due, what a delivery attempt did, the admin's list and resend.

A message stays ``queued`` until the server has accepted it, so a crash between sending and recording
sends it again (at least once); its ``Message-ID`` is derived from the row, so the repeat is recognisable.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from support.clock import iso
from support.db.store import Store
from support.errors import Conflict, NotFound

STATUSES = ("queued", "sent", "failed")
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt of one message did: accepted, or the server's (or the network's) answer."""

    id: int
    sent: bool
    error: str = ""
    permanent: bool = False


def add(db: Store, record: dict[str, Any], now: dt.datetime) -> int:
    """Queue one message (inside the caller's transaction); its id."""
    stamp = iso(now)
    return db.insert("outbox", {**record, "nonce": secrets.token_hex(6), "status": "queued", "attempts": 0,
                                "next_attempt_at": stamp, "created_at": stamp})


def due(db: Store, now: dt.datetime, limit: int) -> list[dict[str, Any]]:
    """Queued messages whose next attempt is due, oldest first."""
    return db.all("SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                  [iso(now), limit])


def any_due(db: Store, now: dt.datetime) -> bool:
    """True if a queued message's next attempt is due."""
    return db.one("SELECT 1 AS x FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? LIMIT 1", [iso(now)]) is not None


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return dt.timedelta(seconds=min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1)))


def record(db: Store, outcomes: list[Outcome], now: dt.datetime) -> None:
    """Record a batch of attempts: sent, retried later with backoff, or failed (permanent answer, or out of attempts)."""
    sent = [outcome.id for outcome in outcomes if outcome.sent]
    with db.tx():
        if sent:  # one statement for the batch: the sender's writes share the event loop with filing
            db.execute(f"UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL "
                       f"WHERE status = 'queued' AND id IN ({', '.join('?' * len(sent))})", [iso(now), *sent])
        for outcome in outcomes:
            if outcome.sent:
                continue
            row = db.one("SELECT attempts FROM outbox WHERE id = ? AND status = 'queued'", [outcome.id])
            if row is None:
                continue
            attempts = row["attempts"] + 1
            status = "failed" if outcome.permanent or attempts >= MAX_ATTEMPTS else "queued"
            db.execute("UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                       [status, attempts, outcome.error[:1000], iso(now + retry_delay(attempts)), outcome.id])


def listing(db: Store, status: str | None, limit: int) -> list[dict[str, Any]]:
    """The newest messages (of one status, if given) for the admin's outbox page."""
    where, params = ("WHERE status = ?", [status]) if status in STATUSES else ("", [])
    return db.all(f"SELECT id, kind, recipient, subject, ticket_id, status, attempts, next_attempt_at, last_error, created_at, "
                  f"sent_at FROM outbox {where} ORDER BY id DESC LIMIT ?", [*params, limit])


def counts(db: Store) -> dict[str, int]:
    """How many messages are in each status."""
    found = {r["status"]: r["n"] for r in db.all("SELECT status, count(*) AS n FROM outbox GROUP BY status")}
    return {status: found.get(status, 0) for status in STATUSES}


def get(db: Store, message_id: int) -> dict[str, Any]:
    """One message; ``NotFound`` otherwise."""
    row = db.one("SELECT * FROM outbox WHERE id = ?", [message_id])
    if row is None:
        raise NotFound(f"Message {message_id} not found in the outbox")
    return row


def resend(db: Store, message_id: int, now: dt.datetime) -> int:
    """Send a message again: a failed one is queued again as it was; a sent one is copied as a new message. The id queued."""
    with db.tx():
        row = get(db, message_id)
        if row["status"] == "queued":
            raise Conflict(f"Message {message_id} is already queued")
        if row["status"] == "failed":
            db.execute("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ?",
                       [iso(now), message_id])
            return message_id
        keep = ("kind", "recipient", "subject", "text_body", "html_body", "payload", "ticket_id")
        return add(db, {k: row[k] for k in keep}, now)

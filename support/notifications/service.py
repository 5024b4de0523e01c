"""The notifications domain as the rest of the backend uses it: queue a notification, deliver what is due, the outbox.

``enqueue`` is called by other domains inside their write transaction (``db.tx()`` nests as a savepoint), so a
notification is stored with the change that causes it. ``deliver_due`` is the background sender's one round.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from support.clock import Clock, iso
from support.db.store import Store
from support.notifications import compose, digest, outbox
from support.notifications.sender import Sender
from support.settings import Settings

BATCH = 50  # messages per SMTP connection and per recorded transaction
SITE_NAME = "Support portal"
EVERY = digest.EVERY
DIGEST_BATCH = digest.BATCH
KINDS = compose.KINDS
register_kind = compose.register
STATUSES = outbox.STATUSES
build_message = compose.build
message_id = compose.message_id
retry_delay = outbox.retry_delay


def link(settings: Settings, path: str) -> str:
    """An absolute link into the portal for a mail (``PORTAL_BASE_URL``, else the local address ``make run`` serves)."""
    return (settings.base_url or "http://127.0.0.1:8000") + path


def enqueue(db: Store, settings: Settings, kind: str, recipients: list[str], values: dict[str, Any], now: dt.datetime,
            ticket_id: int | None = None) -> list[int]:
    """Queue one notification to each of ``recipients`` (each address once); the outbox ids.

    Call it inside the transaction of the change that causes it: both commit, or neither. The subject is
    written now; the bodies are rendered from the values kept with it when the sender builds the message
    (in its own process: docs/performance.md).
    """
    unique = list(dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()))
    if kind in OPTIONAL and unique:
        unique = [r for r in unique if r not in opted_out(db, kind)]
    if not unique or not settings.notifications:
        return []
    preferences = link(settings, "/support/account/mail") if kind in OPTIONAL else None
    values = {"site_name": SITE_NAME, "preferences_url": preferences, **values}
    content = {"subject": compose.subject(kind, values), "text_body": "", "html_body": "", "payload": compose.payload(values)}
    later = digest.daily(db, kind, unique)
    with db.tx():
        for to in later:
            digest.hold(db, kind, to, content["subject"], values, ticket_id, now)
        return [outbox.add(db, {"kind": kind, "recipient": to, "ticket_id": ticket_id, **content}, now)
                for to in unique if to not in later]


def send_digests(db: Store, settings: Settings, now: dt.datetime) -> int:
    """Queue the daily digests due (from ``PORTAL_DIGEST_HOUR``, UTC, each day); how many recipients got one."""
    common = {"site_name": SITE_NAME, "preferences_url": link(settings, "/support/account/mail")}
    return digest.send_due(db, settings.digest_hour, common, now)


def send_once(db: Store, settings: Settings, key: str, period: str, kind: str, recipients: list[str], values: dict[str, Any],
              now: dt.datetime) -> bool:
    """Queue a periodic mail (``kind`` to ``recipients``) once per ``key`` and ``period`` (e.g. an owner and a week).

    The record and the messages commit together, so a crash sends it in the next round, and never twice. False
    when it was queued already.
    """
    with db.tx():
        if db.one("SELECT 1 AS x FROM owner_digests WHERE owner = ? AND week = ?", [key, period]):
            return False
        ids = enqueue(db, settings, kind, recipients, values, now)
        db.execute("INSERT INTO owner_digests (owner, week, outbox_id, sent_at) VALUES (?, ?, ?, ?)",
                   [key, period, ids[0] if ids else None, iso(now)])
    return True


def page_link(settings: Settings, url: str) -> str:
    """An absolute link to a page of the site (``PORTAL_SITE_URL``, else the backend's own address, which serves it)."""
    return (settings.site_url or settings.base_url or "http://127.0.0.1:8000").rstrip("/") + "/" + url.lstrip("/")


def delivery_modes(db: Store, email: str) -> dict[str, str]:
    """``email``'s chosen delivery: ``EVERY`` (overall) and each optional kind -> 'immediate', 'daily' or '' (as overall)."""
    chosen = digest.modes(db, email)
    return {EVERY: chosen.get(EVERY, "immediate"), **{kind: chosen.get(kind, "") for kind in OPTIONAL}}


def choose_modes(db: Store, email: str, chosen: dict[str, str]) -> None:
    """Keep ``email``'s delivery modes (overall under ``EVERY``, a kind's own beside it; '' follows the overall one)."""
    digest.set_modes(db, email, {k: v for k, v in chosen.items() if v in digest.MODES})


async def deliver_due(db: Store, sender: Sender, clock: Clock) -> int:
    """Send one batch of due messages (built and sent by the sender's process, recorded through the store's writer); how many were due.

    Cancelled (at shutdown) while the child sends, it still records what the child did before it gives up its
    turn: else those messages would go out again, perhaps from another instance at the same time.
    """
    if not await asyncio.to_thread(outbox.any_due, db, clock()):  # an idle outbox starts no process
        return 0
    delivery = asyncio.ensure_future(sender.deliver(clock(), BATCH))
    try:
        count, outcomes = await asyncio.shield(delivery)
    except asyncio.CancelledError:
        count, outcomes = await delivery
        await _record(db, outcomes, clock)
        raise
    await _record(db, outcomes, clock)
    return count


async def _record(db: Store, outcomes: list[outbox.Outcome], clock: Clock) -> None:
    if outcomes:
        await db.write(outbox.record, db, outcomes, clock())


def ticket_of_reference(db: Store, settings: Settings, references: list[str]) -> int | None:
    """The ticket of the first of ``references`` (a reply's In-Reply-To and References) that is a Message-ID the portal sent.

    Only a whole outbox Message-ID counts (its random part checked): a ticket number alone is guessable.
    """
    for reference in references:
        row = compose.parse_message_id(reference, settings)
        if row is None:
            continue
        found = db.one("SELECT ticket_id FROM outbox WHERE id = ? AND nonce = ?", list(row))
        if found and found["ticket_id"] is not None:
            return found["ticket_id"]
    return None


OPTIONAL = compose.OPTIONAL


def opted_out(db: Store, kind: str) -> set[str]:
    """The addresses that chose not to get ``kind``."""
    return {r["email"].lower() for r in db.all("SELECT email FROM mail_opt_outs WHERE kind = ?", [kind])}


def choices(db: Store, email: str) -> dict[str, bool]:
    """Each optional kind of mail and whether ``email`` gets it."""
    off = {r["kind"] for r in db.all("SELECT kind FROM mail_opt_outs WHERE email = ?", [email])}
    return {kind: kind not in off for kind in OPTIONAL}


def choose(db: Store, email: str, wanted: set[str]) -> None:
    """Keep the optional kinds in ``wanted`` for ``email``; turn the others off."""
    with db.tx():
        db.execute("DELETE FROM mail_opt_outs WHERE email = ?", [email])
        for kind in OPTIONAL:
            if kind not in wanted:
                db.execute("INSERT INTO mail_opt_outs (email, kind) VALUES (?, ?)", [email, kind])


def outbox_page(db: Store, status: str | None, limit: int = 200) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The newest messages (of one status, if given) and how many there are in each status."""
    return outbox.listing(db, status, limit), outbox.counts(db)


def message(db: Store, message_id_: int) -> dict[str, Any]:
    """One outbox message with everything it says (its bodies rendered); ``NotFound`` otherwise."""
    row = outbox.get(db, message_id_)
    try:
        text, html = compose.row_bodies(row)
    except Exception as exc:  # noqa: BLE001 - the page shows why, as the sender recorded it
        text = html = f"(could not be rendered: {type(exc).__name__}: {exc})"
    return {**row, "text_body": text, "html_body": html}


def resend(db: Store, message_id_: int, now: dt.datetime) -> int:
    """Queue a failed message again, or a copy of a sent one; the id queued (``Conflict`` if it is still queued)."""
    return outbox.resend(db, message_id_, now)

"""Who hears of what happens to a ticket, by mail: the rules, queued through ``support.notifications.service``.

Each function runs inside the transaction of the change it reports (the caller's ``db.tx()``), so the mail is
committed with the change or not at all. Requesters get their ticket's link (the private one for a ticket
that belongs to no account, signed so that it dies with the private link); agents get the agent view.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from support.accounts import service as accounts
from support.db.store import Store
from support.notifications import service as notifications
from support.settings import Settings

PROOF_DAYS = 7
URGENT = ("P1", "P2")
REQUESTER_REASON = "you filed this request; replies to it come by mail."
AGENT_REASON = "you are a support agent of this desk."
# what the mail templates show of a ticket: the outbox keeps these, not the whole row (its token hash, its page)
MAIL_FIELDS = ("id", "subject", "description", "status", "priority", "tier", "category", "requester_name", "requester_email",
               "assignee_name")


@functools.lru_cache(maxsize=16)
def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)  # made once: building one took half of signing a receipt's proof link


def _mail_links(settings: Settings) -> URLSafeSerializer:
    return _serializer(settings.secret_key.get_secret_value(), "ticket-mail-link")


def _proofs(settings: Settings) -> URLSafeSerializer:
    return _serializer(settings.secret_key.get_secret_value(), "address-proof")


def _row_id(value: Any) -> bool:
    """A ticket id a database can hold (a signed token from an older or forged key may carry any JSON number)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def mail_token(settings: Settings, ticket: dict[str, Any]) -> str:
    """A private-link token for mails: names the ticket and is bound to its current private link (retired with it)."""
    return _mail_links(settings).dumps([ticket["id"], ticket["token_hash"][:16]])


def read_mail_token(settings: Settings, token: str) -> tuple[int, str] | None:
    """(ticket id, the private link's hash prefix) of a mail link, or None if it is not one this server signed."""
    try:
        ticket_id, bound = _mail_links(settings).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (ticket_id, bound) if _row_id(ticket_id) and isinstance(bound, str) else None


def proof_token(settings: Settings, ticket: dict[str, Any], now: dt.datetime) -> str:
    """The signed, expiring proof that whoever follows it reads mail sent to the ticket's address (issued by the app's clock)."""
    return _proofs(settings).dumps([ticket["id"], ticket["requester_email"].lower(), int(now.timestamp())])


def read_proof_token(settings: Settings, token: str, now: dt.datetime) -> tuple[int, str] | None:
    """(ticket id, address) of a proof link issued in the last ``PROOF_DAYS`` days, else None."""
    try:
        ticket_id, email, issued = _proofs(settings).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (_row_id(ticket_id) and isinstance(email, str) and isinstance(issued, int) and not isinstance(issued, bool)):
        return None
    return (ticket_id, email) if 0 <= now.timestamp() - issued <= PROOF_DAYS * 86400 else None


def _ratings(settings: Settings) -> URLSafeSerializer:
    return _serializer(settings.secret_key.get_secret_value(), "satisfaction-rating")


def rating_token(settings: Settings, ticket: dict[str, Any]) -> str:
    """The signed link that rates this resolution of the ticket (no sign-in; once per resolution)."""
    return _ratings(settings).dumps([ticket["id"], ticket["resolved_at"]])


def read_rating_token(settings: Settings, token: str) -> tuple[int, str] | None:
    """(ticket id, which resolution) of a rating link this server signed, else None."""
    try:
        ticket_id, resolved_at = _ratings(settings).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (ticket_id, resolved_at) if _row_id(ticket_id) and isinstance(resolved_at, str) else None


def requester_url(settings: Settings, ticket: dict[str, Any], token: str | None = None) -> str:
    """The requester's way to the ticket: their account's page, else the private link (``token``, or a mail link)."""
    if ticket["requester_id"] is not None:
        return notifications.link(settings, f"/support/tickets/{ticket['id']}")
    return notifications.link(settings, f"/support/t/{token or mail_token(settings, ticket)}")


def agent_url(settings: Settings, ticket: dict[str, Any]) -> str:
    """The agent view of the ticket."""
    return notifications.link(settings, f"/support/tickets/{ticket['id']}")


def _to_requester(db: Store, settings: Settings, kind: str, ticket: dict[str, Any], now: dt.datetime, **values: Any) -> None:
    if "ticket_url" not in values:  # a receipt brings its private link: signing a mail link it would not use cost ~0.1 ms
        values["ticket_url"] = requester_url(settings, ticket)
    values = {"ticket": mail_fields(ticket), "reason": REQUESTER_REASON, **values}
    notifications.enqueue(db, settings, kind, [ticket["requester_email"]], values, now, ticket_id=ticket["id"])


def _to_agents(db: Store, settings: Settings, kind: str, ticket: dict[str, Any], emails: list[str], now: dt.datetime,
               **values: Any) -> None:
    values = {"ticket": mail_fields(ticket), "ticket_url": agent_url(settings, ticket), "reason": AGENT_REASON, **values}
    notifications.enqueue(db, settings, kind, emails, values, now, ticket_id=ticket["id"])


def mail_fields(ticket: dict[str, Any]) -> dict[str, Any]:
    """The fields of a ticket its mails show (``MAIL_FIELDS``)."""
    return {k: ticket.get(k) for k in MAIL_FIELDS}


def _agent_emails(db: Store) -> list[str]:
    return [agent["email"] for agent in accounts.list_agents(db)]


def _assignee_email(db: Store, ticket: dict[str, Any]) -> list[str]:
    if ticket["assignee_id"] is None:
        return []
    user = accounts.get_user(db, ticket["assignee_id"])
    return [user["email"]] if user and not user["disabled"] else []


def filed(db: Store, settings: Settings, ticket: dict[str, Any], token: str, now: dt.datetime) -> None:
    """Ticket received (with its private link, and the proof link when filed without signing in); P1/P2 to every agent."""
    proof = proof_token(settings, ticket, now) if ticket["identified_by"] == "unproven" else None
    _to_requester(db, settings, "ticket_received", ticket, now, ticket_url=requester_url(settings, ticket, token),
                  proof_url=notifications.link(settings, f"/support/prove/{proof}") if proof else None, proof_days=PROOF_DAYS)
    if ticket["priority"] in URGENT:
        _to_agents(db, settings, "new_urgent_ticket", ticket, _agent_emails(db), now)


def replied(db: Store, settings: Settings, ticket: dict[str, Any], author: dict[str, Any], body: str, internal: bool,
            now: dt.datetime) -> None:
    """An agent's public reply to the requester (never an internal note); the requester's reply to the assignee."""
    if internal:
        return
    if author["kind"] == "agent":
        _to_requester(db, settings, "agent_reply", ticket, now, author=author["name"], body=body)
    elif author["kind"] == "requester":
        _to_agents(db, settings, "requester_replied", ticket, _assignee_email(db, ticket), now, author=author["name"], body=body)


def changed(db: Store, settings: Settings, before: dict[str, Any], after: dict[str, Any], actor: dict[str, Any],
            now: dt.datetime, replied_now: bool = False) -> None:
    """Pending: waiting for you; resolved: resolved (to the requester); a new assignee: assigned to you (unless self-assigned).

    After a reply mailed in the same action, "waiting for you" is left out: the reply says what is needed.
    """
    if after["status"] != before["status"]:
        if after["status"] == "pending" and not replied_now:
            _to_requester(db, settings, "waiting_for_you", after, now)
        elif after["status"] == "resolved":
            rate_url = notifications.link(settings, f"/support/rate/{rating_token(settings, after)}")
            _to_requester(db, settings, "resolved", after, now, rate_url=rate_url)
    if after["assignee_id"] not in (None, before["assignee_id"], actor.get("id")):
        _to_agents(db, settings, "assigned_to_you", after, _assignee_email(db, after), now, actor=accounts.display_name(actor))


def merged(db: Store, settings: Settings, duplicate: dict[str, Any], target: dict[str, Any], now: dt.datetime) -> None:
    """A duplicate merged into another ticket: its requester hears where the request continues (always sent)."""
    _to_requester(db, settings, "merged", duplicate, now, target_id=target["id"], target_subject=target["subject"],
                  target_url=requester_url(settings, target) if target["requester_email"].lower() == duplicate["requester_email"].lower() else "")


def sla_rose(db: Store, settings: Settings, ticket: dict[str, Any], breached: bool, clocks: list[str], now: dt.datetime) -> None:
    """SLA at risk: the assignee (every agent while nobody is assigned); breached: the assignee and every agent."""
    assignee = _assignee_email(db, ticket)
    recipients = assignee + _agent_emails(db) if breached or not assignee else assignee
    ticket = {**ticket, "assignee_name": _name(db, ticket)}
    _to_agents(db, settings, "sla_breached" if breached else "sla_at_risk", ticket, recipients, now, clocks=" and ".join(clocks))


def _name(db: Store, ticket: dict[str, Any]) -> str | None:
    user = accounts.get_user(db, ticket["assignee_id"]) if ticket["assignee_id"] is not None else None
    return accounts.display_name(user) if user else None

"""Ticket queries, one function each: tickets, messages, history, article links, suggestions.

Every write runs in ``db.tx()`` and records who changed what, and when, in ``history``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from support.clock import iso
from support.db.store import Store
from support.errors import Conflict, NotFound
from support.tickets.sla import paused_seconds, used_seconds

STATUSES = ("new", "open", "pending", "resolved", "closed")
PAUSED = ("pending", "resolved", "closed")
EDITABLE = ("status", "priority", "tier", "assignee_id", "category")
ROUTING_ACTOR = "Routing"  # the history's actor for what a routing rule set


@dataclass(frozen=True)
class Routed:
    """What a routing rule sets on a ticket being filed: the rule, its group, tier and assignee (with the name shown)."""

    rule: str
    group_id: str | None = None
    tier: int | None = None
    assignee_id: int | None = None
    assignee_name: str | None = None


def new_token() -> tuple[str, str]:
    """A private-link token and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """sha256 hex of a token (tokens carry 256 random bits, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_ticket(db: Store, fields: dict[str, Any], page_article: str | None, actor: str,
                  now: dt.datetime, routed: Routed | None = None) -> tuple[dict[str, Any], str]:
    """Insert a ticket (status new, tier 1, or as ``routed`` sets it), link its page's article, settle its form's
    suggestions; returns (ticket, token). The rule and what it set are in the history, after the filing.

    Routed as it is inserted: an UPDATE after the INSERT moved the ticket in five of its indexes again.
    """
    token, token_hash = new_token()
    stamp = iso(now)
    record = {**fields, "status": "new", "tier": 1, "token_hash": token_hash, "created_at": stamp, "updated_at": stamp}
    changes = [(actor, "status", None, "new", "ticket filed")]
    if routed is not None:
        changes.append((ROUTING_ACTOR, "routing rule", None, routed.rule, "fired when the ticket was filed"))
        if routed.group_id is not None:
            record["group_id"] = routed.group_id
            changes.append((ROUTING_ACTOR, "group", None, routed.group_id, ""))
        if routed.tier is not None and routed.tier != 1:
            record["tier"] = routed.tier
            changes.append((ROUTING_ACTOR, "tier", "1", str(routed.tier), ""))
        if routed.assignee_id is not None:
            record["assignee_id"] = routed.assignee_id
            changes.append((ROUTING_ACTOR, "assignee_id", None, routed.assignee_name or str(routed.assignee_id), ""))
    with db.tx():
        ticket = db.insert_returning("tickets", record)
        ticket_id = ticket["id"]
        ticket["assignee_name"] = routed.assignee_name if routed is not None and routed.assignee_id is not None else None
        db.execute("INSERT INTO history (ticket_id, actor, field, old, new, note, at) VALUES "
                   + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(changes)),
                   [value for change in changes for value in (ticket_id, *change, stamp)])
        if page_article:
            db.execute(
                "INSERT INTO ticket_articles (ticket_id, article_id, origin, linked_by, linked_at) VALUES (?, ?, 'page', ?, ?)",
                [ticket_id, page_article, actor, stamp],
            )
        if fields.get("form_id"):
            db.execute(
                "UPDATE impressions SET outcome = 'filed', outcome_at = ?, ticket_id = ? WHERE form_id = ? AND outcome = 'none'",
                [stamp, ticket_id, fields["form_id"]],
            )
    return ticket, token


def add_history(db: Store, ticket_id: int, actor: str, field: str, old: Any, new: Any, note: str, now: dt.datetime) -> None:
    """Record one change of a ticket."""
    db.execute(
        "INSERT INTO history (ticket_id, actor, field, old, new, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [ticket_id, actor, field, None if old is None else str(old), None if new is None else str(new), note, iso(now)],
    )


def get_ticket(db: Store, ticket_id: int) -> dict[str, Any]:
    """A ticket with its assignee's name; ``NotFound`` otherwise."""
    ticket = db.one(
        "SELECT t.*, coalesce(nullif(u.name, ''), u.email) AS assignee_name FROM tickets t "
        "LEFT JOIN users u ON u.id = t.assignee_id WHERE t.id = ?",
        [ticket_id],
    )
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} not found")
    return ticket


def get_ticket_by_token(db: Store, token: str) -> dict[str, Any]:
    """The ticket behind a private link; ``NotFound`` for an unknown token."""
    row = db.one("SELECT id FROM tickets WHERE token_hash = ?", [hash_token(token)])
    if row is None:
        raise NotFound("No ticket has this link; check that it was copied completely")
    return get_ticket(db, row["id"])


def messages(db: Store, ticket_id: int, include_internal: bool) -> list[dict[str, Any]]:
    """The ticket's conversation, oldest first; internal notes only when asked for."""
    where = "" if include_internal else " AND internal = 0"
    return db.all(f"SELECT * FROM messages WHERE ticket_id = ?{where} ORDER BY id", [ticket_id])


def history(db: Store, ticket_id: int) -> list[dict[str, Any]]:
    """Every recorded change of the ticket, oldest first."""
    return db.all("SELECT * FROM history WHERE ticket_id = ? ORDER BY id", [ticket_id])


def add_message(db: Store, ticket: dict[str, Any], author: dict[str, Any], body: str, internal: bool, now: dt.datetime) -> int:
    """Add a reply or internal note; updates first response, status and clocks as the reply implies.

    ``author`` has ``kind`` ('requester' or 'agent'), ``id`` (or None) and ``name``. A requester's
    reply reopens a pending or resolved ticket; an agent's first public reply is the first response
    and moves a new ticket to open. Closed tickets take no replies.
    """
    if ticket["status"] == "closed":
        raise Conflict(f"Ticket {ticket['id']} is closed; file a new ticket instead")
    with db.tx():
        message_id = db.insert(
            "messages",
            {"ticket_id": ticket["id"], "author_id": author["id"], "author_name": author["name"],
             "author_kind": author["kind"], "internal": int(internal), "body": body, "created_at": iso(now)}
        )
        add_history(db, ticket["id"], author["name"], "note" if internal else "reply", None, None, "", now)
        if author["kind"] == "agent" and not internal:
            _first_response(db, ticket, author["name"], now)
        if author["kind"] == "requester" and ticket["status"] in ("pending", "resolved"):
            set_status(db, ticket, "open", author["name"], now, note="requester replied")
        db.execute("UPDATE tickets SET updated_at = ?, sla_check_at = '' WHERE id = ?", [iso(now), ticket["id"]])
    return message_id


def _first_response(db: Store, ticket: dict[str, Any], actor: str, now: dt.datetime) -> None:
    if ticket["first_response_at"] is None:
        db.execute(
            "UPDATE tickets SET first_response_at = ?, first_response_secs = ? WHERE id = ?",
            [iso(now), used_seconds(ticket, now), ticket["id"]],
        )
    if ticket["status"] == "new":
        set_status(db, ticket, "open", actor, now, note="first response")


def set_status(db: Store, ticket: dict[str, Any], status: str, actor: str, now: dt.datetime, note: str = "") -> None:
    """Change status, pausing the SLA clocks while pending/resolved/closed and stamping resolution."""
    old = ticket["status"]
    if status == old:
        return
    updates: dict[str, Any] = {"status": status}
    if old in PAUSED and status not in PAUSED:
        paused = paused_seconds(ticket, now)
        updates |= {"paused_secs": ticket["paused_secs"] + max(0, paused), "paused_since": None}
    if old not in PAUSED and status in PAUSED:
        updates["paused_since"] = iso(now)
    if status in ("resolved", "closed") and old not in ("resolved", "closed"):
        updates |= {"resolved_at": iso(now), "resolution_secs": used_seconds(ticket, now)}
    if status not in ("resolved", "closed"):
        updates |= {"resolved_at": None, "resolution_secs": None}
    db.update("tickets", ticket["id"], updates)
    ticket.update(updates)
    add_history(db, ticket["id"], actor, "status", old, status, note, now)


def update_ticket(db: Store, ticket_id: int, changes: dict[str, Any], actor: str, now: dt.datetime) -> dict[str, Any]:
    """Apply agent changes (status, priority, tier, assignee_id, category), recording each; returns the ticket."""
    with db.tx():
        ticket = get_ticket(db, ticket_id)
        for field, value in changes.items():
            if field not in EDITABLE or value is None or value == ticket[field]:
                continue
            if field == "status":
                set_status(db, ticket, value, actor, now)
                continue
            db.execute(f"UPDATE tickets SET {field} = ? WHERE id = ?", [value, ticket_id])
            add_history(db, ticket_id, actor, field, _shown(db, field, ticket[field]), _shown(db, field, value), "", now)
        db.execute("UPDATE tickets SET updated_at = ?, sla_check_at = '' WHERE id = ?", [iso(now), ticket_id])  # SLA: see sla.sweep
    return get_ticket(db, ticket_id)


def _shown(db: Store, field: str, value: Any) -> Any:
    if field != "assignee_id" or value is None:
        return value
    user = db.one("SELECT coalesce(nullif(name, ''), email) AS n FROM users WHERE id = ?", [value])
    return user["n"] if user else value


def clear_assignee(db: Store, ticket_id: int, actor: str, now: dt.datetime) -> None:
    """Unassign a ticket."""
    with db.tx():
        ticket = get_ticket(db, ticket_id)
        if ticket["assignee_id"] is not None:
            db.execute("UPDATE tickets SET assignee_id = NULL, updated_at = ? WHERE id = ?", [iso(now), ticket_id])
            add_history(db, ticket_id, actor, "assignee_id", ticket["assignee_name"], None, "", now)


def bulk_assign(db: Store, ticket_ids: list[int], assignee_id: int | None, actor: str, now: dt.datetime) -> int:
    """Assign (or, with None, unassign) several tickets at once; returns how many changed."""
    changed = 0
    with db.tx():
        for ticket_id in ticket_ids:
            before = get_ticket(db, ticket_id)["assignee_id"]
            if assignee_id is None:
                clear_assignee(db, ticket_id, actor, now)
            else:
                update_ticket(db, ticket_id, {"assignee_id": assignee_id}, actor, now)
            changed += before != assignee_id
    return changed


def linked_articles(db: Store, ticket_id: int) -> list[dict[str, Any]]:
    """The KB articles linked to a ticket, in link order."""
    return db.all("SELECT * FROM ticket_articles WHERE ticket_id = ? ORDER BY linked_at, origin DESC, article_id", [ticket_id])  # the page's own article first


def link_article(db: Store, ticket_id: int, article_id: str, actor: str, now: dt.datetime) -> bool:
    """Link a KB article to a ticket; False if it already was."""
    with db.tx():
        get_ticket(db, ticket_id)
        cursor = db.execute(
            "INSERT INTO ticket_articles (ticket_id, article_id, origin, linked_by, linked_at) VALUES (?, ?, 'agent', ?, ?) "
            "ON CONFLICT DO NOTHING",
            [ticket_id, article_id, actor, iso(now)],
        )
        if cursor.rowcount:
            add_history(db, ticket_id, actor, "article", None, article_id, "linked", now)
    return bool(cursor.rowcount)


def unlink_article(db: Store, ticket_id: int, article_id: str, actor: str, now: dt.datetime) -> None:
    """Remove a ticket's link to an article; ``NotFound`` if there is none."""
    with db.tx():
        cursor = db.execute("DELETE FROM ticket_articles WHERE ticket_id = ? AND article_id = ?", [ticket_id, article_id])
        if not cursor.rowcount:
            raise NotFound(f"Ticket {ticket_id} has no link to article {article_id}")
        add_history(db, ticket_id, actor, "article", article_id, None, "unlinked", now)


def requester_tickets(db: Store, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The tickets of a requester's account (filed signed in, or claimed), newest first; a typed address alone joins none."""
    return db.all("SELECT * FROM tickets WHERE requester_id = ? ORDER BY id DESC", [user["id"]])


def owns(ticket: dict[str, Any], user: dict[str, Any] | None) -> bool:
    """True if a signed-in user is the ticket's requester (by account, never by a typed address)."""
    return bool(user) and ticket["requester_id"] == user["id"]


def claim_ticket(db: Store, ticket_id: int, user_id: int, actor: str, now: dt.datetime) -> None:
    """Join an unproven ticket to an account and give it a new private-link token (the old link stops working)."""
    _, token_hash = new_token()
    with db.tx():
        db.execute("UPDATE tickets SET requester_id = ?, identified_by = 'account', token_hash = ?, updated_at = ? "
                   "WHERE id = ? AND requester_id IS NULL", [user_id, token_hash, iso(now), ticket_id])
        add_history(db, ticket_id, actor, "requester", "unproven address", "account",
                    "the requester signed in as the address's account and claimed the ticket", now)


def join_by_mail(db: Store, ticket_id: int, user_id: int, actor: str, now: dt.datetime) -> bool:
    """Join an unproven ticket to the account whose address was proven by mail; a new private link. False if already joined."""
    _, token_hash = new_token()
    with db.tx():
        cursor = db.execute("UPDATE tickets SET requester_id = ?, identified_by = 'mail', token_hash = ?, updated_at = ? "
                            "WHERE id = ? AND requester_id IS NULL", [user_id, token_hash, iso(now), ticket_id])
        if cursor.rowcount:
            add_history(db, ticket_id, actor, "requester", "unproven address", "mail",
                        "address proven by mail: the requester followed the link mailed to it, signed in as its account", now)
    return bool(cursor.rowcount)


def record_impressions(db: Store, form_id: str, query: str, article_ids: list[str], now: dt.datetime) -> None:
    """Record that these suggestions were shown in form ``form_id`` (once per form and article)."""
    with db.tx():
        for rank, article_id in enumerate(article_ids, start=1):
            db.execute(
                "INSERT INTO impressions (form_id, article_id, query, rank, shown_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [form_id, article_id, query[:500], rank, iso(now)],
            )


def impressions_of_form(db: Store, form_id: str) -> int:
    """How many articles a ticket form has recorded as shown."""
    return db.one("SELECT count(*) AS n FROM impressions WHERE form_id = ?", [form_id])["n"]


def record_deflection(db: Store, article_id: str, form_id: str, user_id: int | None, now: dt.datetime) -> bool:
    """Record "this answered my question" for an article the form showed, marking its impression deflected.

    False (nothing recorded) when the form did not show the article, or it was already counted, or the form was filed.
    """
    with db.tx():
        cursor = db.execute(
            "UPDATE impressions SET outcome = 'deflected', outcome_at = ? WHERE form_id = ? AND article_id = ? AND outcome = 'none'",
            [iso(now), form_id, article_id],
        )
        if not cursor.rowcount:
            return False
        db.insert("deflections", {"article_id": article_id, "form_id": form_id, "user_id": user_id, "at": iso(now)})
    return True


def article_tickets(db: Store, article_id: str) -> list[dict[str, Any]]:
    """Tickets linked to an article, newest first."""
    return db.all(
        "SELECT t.id, t.subject, t.status, t.priority, t.created_at, ta.origin FROM ticket_articles ta "
        "JOIN tickets t ON t.id = ta.ticket_id WHERE ta.article_id = ? ORDER BY t.id DESC",
        [article_id],
    )


def article_counts(db: Store, article_id: str) -> dict[str, int]:
    """How often an article was suggested, deflected a reader, and is linked to tickets."""
    return db.one(
        "SELECT (SELECT count(*) FROM impressions WHERE article_id = :a) AS impressions, "
        "(SELECT count(*) FROM deflections WHERE article_id = :a) AS deflections, "
        "(SELECT count(*) FROM ticket_articles WHERE article_id = :a) AS tickets",
        {"a": article_id},
    )


def message(db: Store, message_id: int) -> dict[str, Any]:
    """One message of a conversation."""
    return db.one("SELECT * FROM messages WHERE id = ?", [message_id])


def tickets_per_article(db: Store) -> dict[str, int]:
    """Article id -> how many tickets link it."""
    return {r["article_id"]: r["n"] for r in db.all("SELECT article_id, count(*) AS n FROM ticket_articles GROUP BY article_id")}


def tickets_per_article_since(db: Store, since: dt.datetime) -> dict[str, int]:
    """Article id -> how many tickets were linked to it from ``since`` on."""
    rows = db.all("SELECT article_id, count(*) AS n FROM ticket_articles WHERE linked_at >= ? GROUP BY article_id", [iso(since)])
    return {r["article_id"]: r["n"] for r in rows}


def deflections_per_article(db: Store) -> dict[str, int]:
    """Article id -> how many readers it deflected."""
    return {r["article_id"]: r["n"] for r in db.all("SELECT article_id, count(*) AS n FROM deflections GROUP BY article_id")}



def counts_by_status(db: Store) -> list[dict[str, Any]]:
    """How many tickets there are per (status, priority) (the index ``tickets_status`` covers it)."""
    return db.all("SELECT status, priority, count(*) AS n FROM tickets GROUP BY status, priority")


def unfinished_by_sla_level(db: Store) -> list[dict[str, Any]]:
    """How many unfinished tickets there are per (priority, SLA level)."""
    return db.all("SELECT priority, sla_level, count(*) AS n FROM tickets WHERE status IN ('new', 'open', 'pending') "
                  "GROUP BY priority, sla_level")


def mail_seen(db: Store, message_id: str) -> str | None:
    """What became of a message read before (its outcome), or None."""
    row = db.one("SELECT outcome FROM mail_in WHERE message_id = ?", [message_id])
    return row["outcome"] if row else None


def record_mail(db: Store, message_id: str, sender: str, subject: str, outcome: str, reason: str, ticket_id: int | None,
                now: dt.datetime) -> None:
    """Record a message read from the mailbox and what it became."""
    db.insert("mail_in", {"message_id": message_id, "sender": sender[:320], "subject": subject[:300], "outcome": outcome,
                          "reason": reason[:500], "ticket_id": ticket_id, "received_at": iso(now)})


def next_in_turn(db: Store, group_id: str, member_ids: list[int]) -> int | None:
    """The member after the one who had the group's last ticket (round-robin), recorded as having this one."""
    if not member_ids:
        return None
    row = db.one("SELECT last_user_id FROM routing_turns WHERE group_id = ?", [group_id])
    last = row["last_user_id"] if row else None
    chosen = member_ids[(member_ids.index(last) + 1) % len(member_ids)] if last in member_ids else member_ids[0]
    db.execute("INSERT INTO routing_turns (group_id, last_user_id) VALUES (?, ?) "
               "ON CONFLICT (group_id) DO UPDATE SET last_user_id = excluded.last_user_id", [group_id, chosen])
    return chosen

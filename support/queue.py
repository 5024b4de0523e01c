"""The agent queue: filters, sorting and pagination over tickets, as one parameterised query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from support.clock import iso
from support.database import Store

SORTS = {
    "due": "t.sla_due_at IS NULL, t.sla_due_at, t.id",
    "priority": "t.priority, t.id",
    "newest": "t.id DESC",
    "oldest": "t.id",
    "updated": "t.updated_at DESC, t.id DESC",
}


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: each field narrows it, None means any.

    ``status`` 'active' means new, open or pending; ``assignee`` is a user id, 'me' or 'none';
    ``sla`` is 'breached' or 'due_soon' (a running clock falls due within ``due_soon`` of now).
    """

    status: str | None = "active"
    priority: str | None = None
    tier: int | None = None
    assignee: str | None = None
    sla: str | None = None
    article: str | None = None
    q: str | None = None
    sort: str = "due"


def where_clause(f: QueueFilter, me: int, now: dt.datetime, due_soon: dt.timedelta) -> tuple[str, list[Any]]:
    """SQL conditions and parameters for a filter."""
    terms: list[tuple[str, list[Any]]] = [("1 = 1", [])]
    if f.status == "active":
        terms.append(("t.status IN ('new', 'open', 'pending')", []))
    elif f.status:
        terms.append(("t.status = ?", [f.status]))
    if f.priority:
        terms.append(("t.priority = ?", [f.priority]))
    if f.tier:
        terms.append(("t.tier = ?", [f.tier]))
    if f.assignee == "none":
        terms.append(("t.assignee_id IS NULL", []))
    elif f.assignee:
        terms.append(("t.assignee_id = ?", [me if f.assignee == "me" else _int(f.assignee)]))
    if f.sla == "breached":
        terms.append(("t.sla_level = 2 AND t.status IN ('new', 'open', 'pending')", []))
    elif f.sla == "due_soon":
        terms.append(("t.sla_level < 2 AND t.sla_due_at IS NOT NULL AND t.sla_due_at <= ?", [iso(now + due_soon)]))
    if f.article:
        terms.append(("t.id IN (SELECT ticket_id FROM ticket_articles WHERE article_id = ?)", [f.article]))
    if f.q and len(f.q) >= 3:  # the trigram index finds any substring of three characters or more
        terms.append(("t.id IN (SELECT rowid FROM tickets_search WHERE tickets_search MATCH ?)", ['"' + f.q.replace('"', '""') + '"']))
    elif f.q:
        terms.append(("(t.subject LIKE ? OR t.requester_email LIKE ?)", [f"%{f.q}%"] * 2))
    return " AND ".join(sql for sql, _ in terms), [p for _, params in terms for p in params]


def _int(value: str) -> int:
    """An assignee id from the query string (an unknown or malformed id matches nothing)."""
    return int(value) if value.isdigit() else -1


def page_of_tickets(
    db: Store, f: QueueFilter, me: int, now: dt.datetime, page: int, size: int, due_soon: dt.timedelta = dt.timedelta(hours=1)
) -> tuple[list[dict[str, Any]], int]:
    """One page of the queue (1-based) and the total number of matching tickets."""
    where, params = where_clause(f, me, now, due_soon)
    total = db.one(f"SELECT count(*) AS n FROM tickets t WHERE {where}", params)["n"]
    rows = db.all(
        "SELECT t.id, t.subject, t.status, t.priority, t.tier, t.category, t.requester_email, t.requester_name, "
        "t.created_at, t.updated_at, t.sla_level, t.sla_due_at, t.assignee_id, "
        "coalesce(nullif(u.name, ''), u.email) AS assignee_name, "
        "(SELECT group_concat(article_id, ' ') FROM ticket_articles WHERE ticket_id = t.id) AS articles "
        f"FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id WHERE {where} "
        f"ORDER BY {SORTS.get(f.sort, SORTS['due'])} LIMIT ? OFFSET ?",
        [*params, size, (max(page, 1) - 1) * size],
    )
    return rows, total

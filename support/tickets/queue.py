"""The agent queue: filters, sorting and pagination over tickets, as one parameterised query.

Searching subjects and requesters (``q``) uses a trigram FTS5 index. Filing does not update it:
indexing a ticket in its own transaction cost about 40% of filing one. A new ticket waits in
``tickets_search_pending`` (a trigger adds it) until :func:`index_pending` moves it into the index,
which the app does every ``INDEX_SECONDS`` in small batches; meanwhile the search also looks
through the pending tickets' text, so a ticket is found the moment it is filed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from support.clock import iso
from support.db import dialect
from support.db.store import Store

INDEX_BATCH = 200  # tickets per indexing transaction: a few milliseconds of the event loop at a time
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
    tag: str | None = None


def where_clause(f: QueueFilter, me: int, now: dt.datetime, due_soon: dt.timedelta, engine: str = dialect.SQLITE) -> tuple[str, list[Any]]:
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
    if f.tag:
        terms.append(("t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)", [f.tag.strip().lower()]))
    if f.q:
        terms.append(dialect.ticket_search(engine, f.q))
    return " AND ".join(sql for sql, _ in terms), [p for _, params in terms for p in params]


def _int(value: str) -> int:
    """An assignee id from the query string (an unknown or malformed id matches nothing)."""
    return int(value) if value.isdigit() else -1


def page_of_tickets(
    db: Store, f: QueueFilter, me: int, now: dt.datetime, page: int, size: int, due_soon: dt.timedelta = dt.timedelta(hours=1)
) -> tuple[list[dict[str, Any]], int]:
    """One page of the queue (1-based) and the total number of matching tickets."""
    where, params = where_clause(f, me, now, due_soon, db.dialect)
    with dialect.searching_by_index(db) if f.q else contextlib.nullcontext():
        return _page(db, f, where, params, page, size)


def _page(db: Store, f: QueueFilter, where: str, params: list[Any], page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    # planned for each filter's values: a generic plan cannot tell a search matching 5 tickets from one matching 8,000
    total = db.one(f"SELECT count(*) AS n FROM tickets t WHERE {where}", params, plan_each=True)["n"]
    rows = db.all(
        "SELECT t.id, t.subject, t.status, t.priority, t.tier, t.category, t.requester_email, t.requester_name, "
        "t.created_at, t.updated_at, t.sla_level, t.sla_due_at, t.assignee_id, "
        "coalesce(nullif(u.name, ''), u.email) AS assignee_name, "
        "(SELECT group_concat(article_id, ' ') FROM ticket_articles WHERE ticket_id = t.id) AS articles "
        f"FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id WHERE {where} "
        f"ORDER BY {SORTS.get(f.sort, SORTS['due'])} LIMIT ? OFFSET ?",
        [*params, size, (max(page, 1) - 1) * size],
        plan_each=True,
    )
    return rows, total


def index_pending(db: Store, batch: int = INDEX_BATCH) -> int:
    """Move up to ``batch`` filed tickets into the search index (one transaction); how many were moved."""
    if not dialect.search_indexed_in_background(db.dialect):
        return 0
    with db.tx():
        ids = [r["id"] for r in db.all("SELECT id FROM tickets_search_pending ORDER BY id LIMIT ?", [batch])]
        if ids:
            marks = ", ".join("?" * len(ids))
            db.execute(f"INSERT INTO tickets_search (rowid, subject, requester_email) SELECT id, subject, requester_email "
                       f"FROM tickets WHERE id IN ({marks})", ids)
            db.execute(f"DELETE FROM tickets_search_pending WHERE id IN ({marks})", ids)
    return len(ids)


def index_all_pending(db: Store) -> int:
    """Index every pending ticket (at start-up, before serving); how many there were."""
    total = 0
    while moved := index_pending(db, 5000):
        total += moved
    return total

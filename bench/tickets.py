"""100,000 tickets with their history, written through the backend's storage functions.

A year of tickets (``TEMPLATE`` of them) goes through ``storage`` exactly as the app writes them:
filing (some from a page's help link, so linked to its article), assignment, internal notes,
replies (first response), pending, resolution and closing. Older years are that year copied
back in time with SQL (ids, private-link hashes and dates shifted, every ticket closed), because
100,000 tickets through Python at about 1 ms each would take most of the benchmark's budget.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from support.accounts import service as accounts
from support.tickets import storage
from support.clock import iso
from support.db.store import Store
from support.migrations import open_portal_store

TEMPLATE = 10_000
PRIORITIES = ["P1"] * 5 + ["P2"] * 20 + ["P3"] * 55 + ["P4"] * 20
CATEGORIES = ["Question", "Problem", "Access request", "Documentation feedback"]
AGENT_PASSWORD = "bench-agent-password"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
TIME_COLUMNS = ("created_at", "updated_at", "first_response_at", "resolved_at", "paused_since", "sla_due_at")


def add_agents(store: Store, now: dt.datetime, count: int = 10) -> list[dict]:
    """Support agents (the first one is the benchmark's signed-in agent)."""
    for i in range(count):
        accounts.add_user(store, f"agent{i}@example.com", "agent", AGENT_PASSWORD, f"Agent {i}", now)
    return accounts.list_agents(store)


def _one_ticket(store: Store, rng: random.Random, i: int, created: dt.datetime, agents: list[dict], article_ids: list[str]) -> None:
    page = rng.choice(article_ids) if rng.random() < 0.4 else None
    fields = {"subject": f"Problem {i} with station S{rng.randint(1, 12):02d}", "description": "Describe the problem here. " * rng.randint(1, 6),
              "requester_email": f"user{rng.randint(1, 3000)}@example.com", "requester_name": "Requester", "category": rng.choice(CATEGORIES),
              "priority": rng.choice(PRIORITIES), "page_id": page, "page_title": page, "page_url": f"articles/{page}/" if page else None, "form_id": None}
    ticket_id = storage.create_ticket(store, fields, page, "Requester", created)[0]["id"]
    age = (NOW - created).total_seconds() / 3600
    agent = rng.choice(agents)
    step = created + dt.timedelta(minutes=rng.randint(5, 240))
    if age < 2 and rng.random() < 0.5:
        return  # still new, nobody has looked at it
    storage.update_ticket(store, ticket_id, {"assignee_id": agent["id"]}, "Agent", step)
    if rng.random() < 0.2:
        storage.add_message(store, storage.get_ticket(store, ticket_id), _actor(agent), "Internal note.", True, step)
    step += dt.timedelta(minutes=rng.randint(10, 600))
    storage.add_message(store, storage.get_ticket(store, ticket_id), _actor(agent), "We are looking into it.", False, min(step, NOW))
    if age < 48 and rng.random() < 0.6:
        return  # open or waiting
    step += dt.timedelta(hours=rng.randint(1, 72))
    final = "resolved" if age < 24 * 7 else "closed"
    storage.update_ticket(store, ticket_id, {"status": final}, "Agent", min(step, NOW))


def _actor(agent: dict) -> dict:
    return {"kind": "agent", "id": agent["id"], "name": agent["name"]}


def seed(data_dir: Path, total: int, article_ids: list[str], seed_value: int = 5) -> dict:
    """Write ``total`` tickets into ``data_dir/portal.db``; counts of what was written."""
    store = open_portal_store(data_dir / "portal.db")
    rng = random.Random(seed_value)
    agents = add_agents(store, NOW - dt.timedelta(days=800))
    year = min(TEMPLATE, total)
    starts = sorted(NOW - dt.timedelta(seconds=rng.randint(0, 365 * 86400)) for _ in range(year))
    with store.tx():
        for i, created in enumerate(starts):
            _one_ticket(store, rng, i, created, agents, article_ids)
    for copy in range(1, -(-total // year)):
        _copy_year(store, copy, year, min(year, total - copy * year))
    counts = {t: store.one(f"SELECT count(*) AS n FROM {t}")["n"] for t in ("tickets", "history", "messages", "ticket_articles")}
    store.close()
    return counts


def _shift(column: str, days: int) -> str:
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S+00:00', {column}, '-{days} days') END"


def _copy_year(store: Store, copy: int, year: int, count: int) -> None:
    """Tickets 1..count of the first year again, ``copy`` years earlier, all closed."""
    offset, days = copy * year, copy * 365
    columns = [c.name for c in store["tickets"].columns]
    select = []
    for c in columns:
        if c == "id":
            select.append(f"id + {offset}")
        elif c == "token_hash":
            select.append(f"token_hash || '-{copy}'")
        elif c == "status":
            select.append("'closed'")
        elif c in ("sla_due_at", "paused_since"):
            select.append("NULL")
        elif c in TIME_COLUMNS:
            select.append(_shift(c, days))
        else:
            select.append(c)
    with store.tx():
        store.execute(f"INSERT INTO tickets ({', '.join(columns)}) SELECT {', '.join(select)} FROM tickets WHERE id <= ?", [count])
        store.execute(f"UPDATE tickets SET resolved_at = coalesce(resolved_at, updated_at), sla_level = 0 WHERE id > {offset}")
        store.execute(f"INSERT INTO history (ticket_id, actor, field, old, new, note, at) SELECT ticket_id + {offset}, actor, field, old, new, note, "
                      f"{_shift('at', days)} FROM history WHERE ticket_id <= ?", [count])
        store.execute(f"INSERT INTO messages (ticket_id, author_id, author_name, author_kind, internal, body, created_at) SELECT ticket_id + {offset}, "
                      f"author_id, author_name, author_kind, internal, body, {_shift('created_at', days)} FROM messages WHERE ticket_id <= ?", [count])
        store.execute(f"INSERT INTO ticket_articles (ticket_id, article_id, origin, linked_by, linked_at) SELECT ticket_id + {offset}, article_id, "
                      f"origin, linked_by, {_shift('linked_at', days)} FROM ticket_articles WHERE ticket_id <= ?", [count])

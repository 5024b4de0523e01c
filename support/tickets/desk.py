"""The agent's working day beside the queue: tags, saved views, merging a duplicate, who else has a ticket open.

Storage for these lives here; the rules (what is recorded, who is told) are in ``workday``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlite_utils

from support.clock import iso
from support.db.migrations import Migration, run_script
from support.db.store import Store

TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_TAGS = 20
MAX_VIEWS = 30
PRESENCE_SECONDS = 90  # a viewer counts as "has it open" this long after the page or its last heartbeat
BUILT_IN_VIEWS = [("Mine", "assignee=me"), ("Unassigned", "assignee=none"),
                  ("About to breach", "sla=due_soon"), ("Breached", "sla=breached")]


def normal_tag(text: str) -> str:
    """A tag as stored: lower case, spaces as hyphens (``ValueError`` if it is not 1-40 letters, digits, - or _)."""
    tag = re.sub(r"\s+", "-", text.strip().lower())
    if not TAG.match(tag):
        raise ValueError("a tag is 1-40 letters, digits, hyphens or underscores, starting with a letter or digit")
    return tag


def tags_of(db: Store, ticket_ids: list[int]) -> dict[int, list[str]]:
    """The tags of each ticket (sorted), for the tickets given."""
    found: dict[int, list[str]] = {i: [] for i in ticket_ids}
    if ticket_ids:
        marks = ", ".join("?" * len(ticket_ids))
        for row in db.all(f"SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN ({marks}) ORDER BY tag", ticket_ids):
            found[row["ticket_id"]].append(row["tag"])
    return found


def add_tag(db: Store, ticket_id: int, tag: str) -> bool:
    """Tag a ticket; False if it had the tag already."""
    return db.execute("INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", [ticket_id, tag]).rowcount == 1


def remove_tag(db: Store, ticket_id: int, tag: str) -> bool:
    """Untag a ticket; False if it did not have the tag."""
    return db.execute("DELETE FROM ticket_tags WHERE ticket_id = ? AND tag = ?", [ticket_id, tag]).rowcount == 1


def views(db: Store, user_id: int) -> list[dict[str, Any]]:
    """An agent's own saved views, by name."""
    return db.all("SELECT id, name, query FROM saved_views WHERE user_id = ? ORDER BY name COLLATE NOCASE", [user_id])


def save_view(db: Store, user_id: int, name: str, query: str, now: dt.datetime) -> None:
    """Save (or replace, by name) an agent's view: a name and the queue's query string."""
    db.execute("INSERT INTO saved_views (user_id, name, query, created_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query", [user_id, name, query, iso(now)])


def delete_view(db: Store, user_id: int, view_id: int) -> bool:
    """Delete one of an agent's views; False if there is no such view of theirs."""
    return db.execute("DELETE FROM saved_views WHERE id = ? AND user_id = ?", [view_id, user_id]).rowcount == 1


def seen(db: Store, ticket_id: int, user_id: int, now: dt.datetime) -> None:
    """Record that an agent has the ticket open now."""
    db.execute("INSERT INTO ticket_viewers (ticket_id, user_id, seen_at) VALUES (?, ?, ?) "
               "ON CONFLICT (ticket_id, user_id) DO UPDATE SET seen_at = excluded.seen_at", [ticket_id, user_id, iso(now)])


def other_viewers(db: Store, ticket_id: int, user_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    """The other agents who have had the ticket open in the last ``PRESENCE_SECONDS``."""
    since = iso(now - dt.timedelta(seconds=PRESENCE_SECONDS))
    return db.all("SELECT u.id, coalesce(nullif(u.name, ''), u.email) AS name, v.seen_at FROM ticket_viewers v "
                  "JOIN users u ON u.id = v.user_id WHERE v.ticket_id = ? AND v.user_id != ? AND v.seen_at >= ? ORDER BY name",
                  [ticket_id, user_id, since])


def _desk(db: sqlite_utils.Database) -> None:
    run_script(db, """
        CREATE TABLE ticket_tags (ticket_id INTEGER NOT NULL REFERENCES tickets(id), tag TEXT NOT NULL, PRIMARY KEY (ticket_id, tag));
        CREATE INDEX ticket_tags_tag ON ticket_tags(tag);
        CREATE TABLE saved_views (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), name TEXT NOT NULL,
                                  query TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (user_id, name));
        CREATE TABLE ticket_viewers (ticket_id INTEGER NOT NULL REFERENCES tickets(id), user_id INTEGER NOT NULL REFERENCES users(id),
                                     seen_at TEXT NOT NULL, PRIMARY KEY (ticket_id, user_id));
        ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id);
        """)


MIGRATION = Migration(16, "the agent's day: ticket tags, saved queue views, who has a ticket open, merged duplicates", _desk)

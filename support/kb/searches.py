"""Searches readers made in the site's box: the query, its scope, the results shown, the one opened, a ticket after.

A row holds no personal data: the visit id is a random one the page keeps for its tab, which only ties a
search to a ticket filed from the same visit.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from support.clock import iso
from support.db.migrations import Migration, run_script
from support.db.store import Store

FOLLOW_MINUTES = 30  # a ticket filed within this time of a search, from the same visit, means the search failed


def record(db: Store, visit: str, query: str, scope: str, results: list[str], opened: str | None, now: dt.datetime) -> int:
    """Store one search with the pages it showed, or note the page opened from the visit's same search; its id.

    The page sends the search once its results settle, and again with ``opened`` when a result is clicked
    (one request, so that it survives the page going away).
    """
    with db.tx():
        if opened:
            row = db.one("SELECT id FROM searches WHERE visit = ? AND query = ? AND opened IS NULL AND at >= ? ORDER BY id DESC",
                         [visit, query, iso(now - dt.timedelta(minutes=FOLLOW_MINUTES))])
            if row:
                db.execute("UPDATE searches SET opened = ?, opened_at = ? WHERE id = ?", [opened, iso(now), row["id"]])
                return row["id"]
        return db.insert("searches", {"visit": visit, "query": query, "scope": scope, "results": json.dumps(results),
                                      "shown": len(results), "opened": opened, "opened_at": iso(now) if opened else None,
                                      "at": iso(now)})


def ticket_followed(db: Store, visit: str, ticket_id: int, now: dt.datetime) -> int:
    """Mark the visit's searches of the last ``FOLLOW_MINUTES`` as followed by a ticket; how many."""
    since = iso(now - dt.timedelta(minutes=FOLLOW_MINUTES))
    with db.tx():
        return db.execute("UPDATE searches SET ticket_id = ? WHERE visit = ? AND at >= ? AND ticket_id IS NULL",
                          [ticket_id, visit, since]).rowcount


def success(db: Store, since: str) -> dict[str, Any]:
    """How many searches since ``since``, and how many succeeded: a result opened and no ticket after."""
    return db.one("SELECT count(*) AS searches, sum(CASE WHEN opened IS NOT NULL AND ticket_id IS NULL THEN 1 ELSE 0 END) AS succeeded, "
                  "sum(CASE WHEN shown = 0 THEN 1 ELSE 0 END) AS no_result, sum(CASE WHEN opened IS NULL THEN 1 ELSE 0 END) AS no_click FROM searches WHERE at >= ?", [since])


def failing_queries(db: Store, since: str, limit: int = 50) -> list[dict[str, Any]]:
    """The queries most often left with no result or no click: the docs team's to-do list."""
    return db.all("SELECT lower(query) AS query, count(*) AS times, sum(CASE WHEN shown = 0 THEN 1 ELSE 0 END) AS no_result FROM searches "
                  "WHERE at >= ? AND opened IS NULL GROUP BY lower(query) ORDER BY times DESC, query LIMIT ?", [since, limit])


def opened_before_tickets(db: Store, since: str, limit: int = 50) -> list[dict[str, Any]]:
    """Pages readers opened from a search and then filed a ticket anyway, most often first."""
    return db.all("SELECT opened AS page, count(*) AS times FROM searches WHERE at >= ? AND opened IS NOT NULL "
                  "AND ticket_id IS NOT NULL GROUP BY opened ORDER BY times DESC, opened LIMIT ?", [since, limit])


def _searches(db: sqlite_utils.Database) -> None:
    run_script(db, """
        CREATE TABLE searches (
            id INTEGER PRIMARY KEY, visit TEXT NOT NULL, query TEXT NOT NULL, scope TEXT NOT NULL, results TEXT NOT NULL,
            shown INTEGER NOT NULL, opened TEXT, opened_at TEXT, ticket_id INTEGER REFERENCES tickets(id), at TEXT NOT NULL);
        CREATE INDEX searches_visit ON searches(visit, at);
        CREATE INDEX searches_at ON searches(at);
        """)


MIGRATIONS = [Migration(21, "searches from the site's box, for the search success rate", _searches)]

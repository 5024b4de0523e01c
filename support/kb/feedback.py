"""Readers' answers to "Was this page helpful?" (1-5, with an optional comment), one row each; no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlite_utils

from support.clock import iso
from support.db.migrations import Migration, run_script
from support.db.store import Store


def record(db: Store, page: str, title: str, rating: int, now: dt.datetime) -> int:
    """Store one rating of a page (its site path); returns the row's id."""
    with db.tx():
        return db.insert("page_feedback", {"page": page, "title": title, "rating": rating, "comment": "", "at": iso(now)})


def add_comment(db: Store, feedback_id: int, comment: str) -> bool:
    """Attach the reader's comment to their rating (once); False when there is no such rating or it has one."""
    with db.tx():
        cursor = db.execute("UPDATE page_feedback SET comment = ? WHERE id = ? AND comment = ''", [comment, feedback_id])
    return bool(cursor.rowcount)


def per_page(db: Store, since: str = "") -> list[dict[str, Any]]:
    """Votes, average rating and comment count per page (since an ISO time), most votes first."""
    return db.all("SELECT page, max(title) AS title, count(*) AS votes, avg(rating) AS average, "
                  "count(*) FILTER (WHERE comment != '') AS comments FROM page_feedback WHERE at >= ? GROUP BY page ORDER BY votes DESC, page", [since])


def comments(db: Store, limit: int = 100) -> list[dict[str, Any]]:
    """The newest comments with their page and rating."""
    return db.all("SELECT page, title, rating, comment, at FROM page_feedback WHERE comment != '' ORDER BY id DESC LIMIT ?", [limit])


def _page_feedback(db: sqlite_utils.Database) -> None:
    run_script(db, """
        CREATE TABLE page_feedback (
            id INTEGER PRIMARY KEY, page TEXT NOT NULL, title TEXT NOT NULL, rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT '', at TEXT NOT NULL);
        CREATE INDEX page_feedback_page ON page_feedback(page);
        """)


MIGRATIONS = [Migration(20, "readers' page feedback (was this page helpful?)", _page_feedback)]

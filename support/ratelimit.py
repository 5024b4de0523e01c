"""Per-client rate limits kept in the database (a budget per key and time window), for anything a client could repeat."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from support.clock import iso, parse
from support.db.migrations import Migration, run_script
from support.db.store import Store


def allow(db: Store, key: str, limit: int, window: int, now: dt.datetime, cost: int = 1) -> bool:
    """Count ``cost`` against ``key``'s budget of ``limit`` per ``window`` seconds; False (nothing counted) when over it."""
    with db.tx():
        row = db.one("SELECT window_start, count FROM rate_limits WHERE key = ?", [key])
        if row is None or (now - parse(row["window_start"])).total_seconds() >= window:
            start, used = iso(now), 0
        else:
            start, used = row["window_start"], row["count"]
        if used + cost > limit:
            return False
        db.execute("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
                   "SET window_start = excluded.window_start, count = excluded.count", [key, start, used + cost])
    return True


def _rate_limits(db: sqlite_utils.Database) -> None:
    run_script(db, "CREATE TABLE rate_limits (key TEXT PRIMARY KEY, window_start TEXT NOT NULL, count INTEGER NOT NULL)")


MIGRATIONS = [Migration(7, "per-client rate limits", _rate_limits)]

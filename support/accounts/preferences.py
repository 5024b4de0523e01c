"""Per-user preferences, kept in their own table (``user_preferences``) beside ``users``: for now, the time zone."""

from __future__ import annotations

import sqlite_utils

from support.db.migrations import Migration, run_script
from support.db.store import Store
from support.timezones import zones


def time_zone(db: Store, user: dict | None, default: str) -> str:
    """The zone a user's pages show times in: their choice, else the portal's ``default``."""
    if not user:
        return default
    row = db.one("SELECT time_zone FROM user_preferences WHERE user_id = ?", [user["id"]])
    return row["time_zone"] if row and row["time_zone"] in zones() else default


def chosen_time_zone(db: Store, user_id: int) -> str:
    """The zone a user chose ('' for the portal's)."""
    row = db.one("SELECT time_zone FROM user_preferences WHERE user_id = ?", [user_id])
    return row["time_zone"] if row else ""


def set_time_zone(db: Store, user_id: int, zone: str) -> None:
    """Store a user's time zone ('' goes back to the portal's); the caller checked it is a known zone."""
    with db.tx():
        db.execute("INSERT INTO user_preferences (user_id, time_zone) VALUES (?, ?) "
                   "ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone", [user_id, zone])


def _user_preferences(db: sqlite_utils.Database) -> None:
    run_script(db, """
        CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY REFERENCES users(id), time_zone TEXT NOT NULL DEFAULT '');
        """)


MIGRATION = Migration(300, "per-user preferences (the time zone times are shown in), beside users", _user_preferences)

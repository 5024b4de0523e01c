"""Tables of accounts: server-side sessions, sign-in failures (``users`` itself is migration 1)."""

from __future__ import annotations

import sqlite_utils

from support.accounts import preferences
from support.db.migrations import Migration, run_script


def _sessions_and_throttles(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE login_failures (
            key TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until TEXT NOT NULL DEFAULT '', last_at TEXT NOT NULL);
        """,
    )


MIGRATIONS = [Migration(5, "server-side sessions and sign-in throttling", _sessions_and_throttles), preferences.MIGRATION]

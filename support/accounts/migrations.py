"""Tables of accounts: server-side sessions, sign-in failures (``users`` itself is migration 1), the trainer role."""

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


OLD_ROLES = "CHECK (role IN ('requester', 'agent', 'admin'))"
NEW_ROLES = "CHECK (role IN ('requester', 'trainer', 'agent', 'admin'))"


def _trainer_role(db: sqlite_utils.Database) -> None:
    # Only the CHECK constraint changes, which leaves every stored row valid: SQLite's documented way for such a
    # change is to edit the table's definition in place (https://sqlite.org/lang_altertable.html#otheralter), so
    # no column, index, collation or foreign key pointing at users is rebuilt (a copy-and-rename would need
    # foreign keys off, which cannot be switched inside the migration's transaction).
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'").fetchone()[0]
    if NEW_ROLES in sql:
        return
    if OLD_ROLES not in sql:
        raise RuntimeError(f"users.role has an unexpected CHECK constraint: {sql}")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'users'", [sql.replace(OLD_ROLES, NEW_ROLES)])
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


MIGRATIONS = [
    Migration(5, "server-side sessions and sign-in throttling", _sessions_and_throttles),
    preferences.MIGRATION,
    Migration(310, "accounts: the trainer role (users.role may be 'trainer')", _trainer_role),
]

"""Tables of the notifications domain (versions 200-299): the outbox."""

from __future__ import annotations

import sqlite_utils

from support.db.migrations import Migration, run_script


def _outbox(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
            text_body TEXT NOT NULL, html_body TEXT NOT NULL, nonce TEXT NOT NULL, ticket_id INTEGER,
            status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
            created_at TEXT NOT NULL, sent_at TEXT);
        CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'queued';
        CREATE INDEX outbox_status ON outbox(status, id);
        """,
    )


def _preferences(db: sqlite_utils.Database) -> None:
    run_script(db, "CREATE TABLE mail_opt_outs (email TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL, PRIMARY KEY (email, kind))")


MIGRATIONS = [
    Migration(200, "notifications: the outbox of mail to send", _outbox),
    Migration(201, "notifications: the kinds of mail each address chose not to get", _preferences),
]

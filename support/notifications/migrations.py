"""Tables of the notifications domain (versions 200-299): the outbox, preferences and digests."""

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


def _digests(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE mail_delivery (
            email TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('immediate', 'daily')), PRIMARY KEY (email, kind));
        CREATE TABLE digest_items (
            id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, link TEXT,
            ticket_id INTEGER, created_at TEXT NOT NULL, outbox_id INTEGER);
        CREATE INDEX digest_items_waiting ON digest_items(recipient, id) WHERE outbox_id IS NULL;
        """,
    )


def _owner_digests(db: sqlite_utils.Database) -> None:
    run_script(db, "CREATE TABLE owner_digests (owner TEXT NOT NULL, week TEXT NOT NULL, outbox_id INTEGER, "
                   "sent_at TEXT NOT NULL, PRIMARY KEY (owner, week))")


def _payload(db: sqlite_utils.Database) -> None:
    run_script(db, "ALTER TABLE outbox ADD COLUMN payload TEXT")


MIGRATIONS = [
    Migration(200, "notifications: the outbox of mail to send", _outbox),
    Migration(201, "notifications: the kinds of mail each address chose not to get", _preferences),
    Migration(202, "notifications: immediate or daily digest per kind, and the notifications waiting for a digest", _digests),
    Migration(203, "notifications: the weekly review digest each owner was sent", _owner_digests),
    Migration(204, "notifications: a message's template values, its bodies rendered when it is sent", _payload),
]

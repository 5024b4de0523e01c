"""Versioned schema migrations, applied in order at start-up by ``database.migrate``.

Append new migrations; never edit an applied one. Version ranges: 1-99 support (users, tickets),
100-199 assessments and certificates. A module that owns tables adds its migrations with
``register`` at import time (``app.py`` imports every route module before opening the database).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

import sqlite_utils


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside a transaction with the thread's database."""

    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


MIGRATIONS: list[Migration] = []


def register(version: int, name: str) -> Callable[[Callable[[sqlite_utils.Database], None]], Callable]:
    """Decorator adding a migration function to ``MIGRATIONS`` (a version may be registered once)."""

    def add(func: Callable[[sqlite_utils.Database], None]) -> Callable:
        if any(m.version == version for m in MIGRATIONS):
            raise ValueError(f"migration version {version} is registered twice")
        MIGRATIONS.append(Migration(version, name, func))
        return func

    return add


@register(1, "users, tickets, messages, history, article links, suggestions")
def _initial(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('requester', 'agent', 'admin')), password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY, subject TEXT NOT NULL, description TEXT NOT NULL,
            requester_email TEXT NOT NULL, requester_name TEXT NOT NULL DEFAULT '',
            requester_id INTEGER REFERENCES users(id), category TEXT NOT NULL,
            priority TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
            status TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
            assignee_id INTEGER REFERENCES users(id), tier INTEGER NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),
            page_id TEXT, page_title TEXT, page_url TEXT, token_hash TEXT NOT NULL UNIQUE, form_id TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            first_response_at TEXT, first_response_secs INTEGER, resolved_at TEXT, resolution_secs INTEGER,
            paused_secs INTEGER NOT NULL DEFAULT 0, paused_since TEXT,
            sla_level INTEGER NOT NULL DEFAULT 0, sla_due_at TEXT, escalations INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX tickets_status ON tickets(status, priority);
        CREATE INDEX tickets_requester ON tickets(requester_id);
        CREATE INDEX tickets_email ON tickets(requester_email COLLATE NOCASE);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            author_id INTEGER REFERENCES users(id), author_name TEXT NOT NULL,
            author_kind TEXT NOT NULL CHECK (author_kind IN ('requester', 'agent')),
            internal INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE INDEX messages_ticket ON messages(ticket_id);
        CREATE TABLE history (
            id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            actor TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT, note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL);
        CREATE INDEX history_ticket ON history(ticket_id);
        CREATE TABLE ticket_articles (
            ticket_id INTEGER NOT NULL REFERENCES tickets(id), article_id TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('page', 'agent')), linked_by TEXT NOT NULL, linked_at TEXT NOT NULL,
            PRIMARY KEY (ticket_id, article_id));
        CREATE INDEX ticket_articles_article ON ticket_articles(article_id);
        CREATE TABLE impressions (
            id INTEGER PRIMARY KEY, form_id TEXT NOT NULL, article_id TEXT NOT NULL, query TEXT NOT NULL,
            rank INTEGER NOT NULL, shown_at TEXT NOT NULL,
            outcome TEXT NOT NULL DEFAULT 'none' CHECK (outcome IN ('none', 'deflected', 'filed')),
            outcome_at TEXT, ticket_id INTEGER REFERENCES tickets(id), UNIQUE (form_id, article_id));
        CREATE INDEX impressions_article ON impressions(article_id);
        CREATE TABLE deflections (
            id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, form_id TEXT, user_id INTEGER REFERENCES users(id),
            at TEXT NOT NULL);
        CREATE INDEX deflections_article ON deflections(article_id);
        """,
    )


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run ``;``-separated DDL statements inside the current transaction (``executescript`` would commit it).

    A trigger's body (``BEGIN ... END;``) is kept whole: statements are cut where ``sqlite3.complete_statement`` says one ends.
    """
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""


@register(2, "indexes for the reports and the agent queue")
def _report_and_queue_indexes(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS tickets_priority_first_response ON tickets(priority, first_response_secs);
        CREATE INDEX IF NOT EXISTS tickets_priority_resolution ON tickets(priority, resolution_secs);
        """,
    )


@register(3, "incremental SLA sweep (sla_check_at) and substring search of subjects and requesters (trigram FTS5)")
def _sla_check_and_ticket_search(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN sla_check_at TEXT NOT NULL DEFAULT '';
        CREATE INDEX tickets_sla_check ON tickets(sla_check_at) WHERE status IN ('new', 'open', 'pending');
        CREATE VIRTUAL TABLE tickets_search USING fts5(subject, requester_email, content='tickets', content_rowid='id',
                                                       tokenize='trigram');
        CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
            INSERT INTO tickets_search (rowid, subject, requester_email) VALUES (new.id, new.subject, new.requester_email);
        END;
        CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
            INSERT INTO tickets_search (tickets_search, rowid, subject, requester_email)
            VALUES ('delete', old.id, old.subject, old.requester_email);
        END;
        CREATE TRIGGER tickets_search_update AFTER UPDATE OF subject, requester_email ON tickets BEGIN
            INSERT INTO tickets_search (tickets_search, rowid, subject, requester_email)
            VALUES ('delete', old.id, old.subject, old.requester_email);
            INSERT INTO tickets_search (rowid, subject, requester_email) VALUES (new.id, new.subject, new.requester_email);
        END;
        INSERT INTO tickets_search (tickets_search) VALUES ('rebuild')
        """,
    )


@register(4, "ticket search indexed in the background: new tickets wait in tickets_search_pending")
def _ticket_search_in_background(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE tickets_search_pending (id INTEGER PRIMARY KEY);
        DROP TRIGGER tickets_search_insert;
        DROP TRIGGER tickets_search_delete;
        DROP TRIGGER tickets_search_update;
        CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
            INSERT INTO tickets_search_pending (id) VALUES (new.id);
        END;
        CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
            INSERT INTO tickets_search (tickets_search, rowid, subject, requester_email)
            SELECT 'delete', old.id, old.subject, old.requester_email
            WHERE NOT EXISTS (SELECT 1 FROM tickets_search_pending WHERE id = old.id);
            DELETE FROM tickets_search_pending WHERE id = old.id;
        END;
        CREATE TRIGGER tickets_search_update AFTER UPDATE OF subject, requester_email ON tickets
        WHEN NOT EXISTS (SELECT 1 FROM tickets_search_pending WHERE id = old.id) BEGIN
            INSERT INTO tickets_search (tickets_search, rowid, subject, requester_email)
            VALUES ('delete', old.id, old.subject, old.requester_email);
            INSERT INTO tickets_search (rowid, subject, requester_email) VALUES (new.id, new.subject, new.requester_email);
        END
        """,
    )


@register(5, "server-side sessions, sign-in throttling, rate limits, and how a ticket's requester was identified")
def _sessions_throttles_identity(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE login_failures (
            key TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until TEXT NOT NULL DEFAULT '', last_at TEXT NOT NULL);
        CREATE TABLE rate_limits (
            key TEXT PRIMARY KEY, window_start TEXT NOT NULL, count INTEGER NOT NULL);
        ALTER TABLE tickets ADD COLUMN identified_by TEXT NOT NULL DEFAULT 'unproven'
            CHECK (identified_by IN ('account', 'unproven'));
        UPDATE tickets SET identified_by = 'account' WHERE requester_id IS NOT NULL;
        """,
    )

"""Tables of the support desk (versions 1-99): tickets, their messages, history and article links, the suggestions shown.

Migration 1 also created ``users`` (the accounts domain's table, older than the split into domains).
"""

from __future__ import annotations

import sqlite_utils

from support.db import dialect
from support.db.migrations import Migration, run_script
from support.tickets import desk


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


def _report_and_queue_indexes(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS tickets_priority_first_response ON tickets(priority, first_response_secs);
        CREATE INDEX IF NOT EXISTS tickets_priority_resolution ON tickets(priority, resolution_secs);
        """,
    )


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



def _requester_identity(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN identified_by TEXT NOT NULL DEFAULT 'unproven'
            CHECK (identified_by IN ('account', 'unproven'));
        UPDATE tickets SET identified_by = 'account' WHERE requester_id IS NOT NULL;
        """,
    )


OLD_IDENTITY = "CHECK (identified_by IN ('account', 'unproven'))"
NEW_IDENTITY = "CHECK (identified_by IN ('account', 'unproven', 'mail'))"


def _proven_by_mail(db: sqlite_utils.Database) -> None:
    """Widen the CHECK on ``identified_by`` to allow 'mail' (the requester followed the proof link mailed to the address).

    SQLite cannot alter a CHECK; for a change that only admits more values, its documentation allows rewriting the
    table's stored SQL (https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes")
    instead of rebuilding the table with its indexes and triggers.
    """
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'").fetchone()[0]
    if OLD_IDENTITY not in sql:
        raise RuntimeError("tickets: the identified_by CHECK is not the one migration 6 created")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'tickets'", [sql.replace(OLD_IDENTITY, NEW_IDENTITY)])
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")


def _ratings(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE ratings (
            id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id), resolved_at TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), comment TEXT NOT NULL DEFAULT '',
            agent_id INTEGER REFERENCES users(id), category TEXT NOT NULL, priority TEXT NOT NULL, rated_at TEXT NOT NULL,
            UNIQUE (ticket_id, resolved_at));
        CREATE INDEX ratings_rated_at ON ratings(rated_at);
        """,
    )


def _reply_templates(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE reply_templates (
            id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
            set_status TEXT CHECK (set_status IN ('open', 'pending', 'resolved', 'closed')),
            set_priority TEXT CHECK (set_priority IN ('P1', 'P2', 'P3', 'P4')),
            owner_id INTEGER REFERENCES users(id), created_at TEXT NOT NULL);
        CREATE INDEX reply_templates_owner ON reply_templates(owner_id);
        """,
    )


def _mail_in(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'mail', 'api'));
        CREATE TABLE mail_in (
            message_id TEXT PRIMARY KEY, sender TEXT NOT NULL, subject TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ticket', 'reply', 'note', 'parked')), reason TEXT NOT NULL DEFAULT '',
            ticket_id INTEGER REFERENCES tickets(id), received_at TEXT NOT NULL);
        """,
    )


def _routing(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN group_id TEXT;
        CREATE TABLE routing_turns (group_id TEXT PRIMARY KEY, last_user_id INTEGER REFERENCES users(id));
        """,
    )


def _alert_groups(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE alert_groups (group_key TEXT PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
                                   updated_at TEXT NOT NULL);
        """,
    )


def _attachments(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id), message_id INTEGER REFERENCES messages(id),
            sha256 TEXT NOT NULL, name TEXT NOT NULL, extension TEXT NOT NULL, size INTEGER NOT NULL CHECK (size > 0),
            uploaded_by TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE INDEX attachments_ticket ON attachments(ticket_id);
        """,
    )


def _mail_notes(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE messages ADD COLUMN mail_sender TEXT;
        ALTER TABLE messages ADD COLUMN mail_body TEXT;
        ALTER TABLE messages ADD COLUMN accepted_at TEXT;
        ALTER TABLE messages ADD COLUMN accepted_by TEXT;
        """,
    )


def _escalation_indexes(db: sqlite_utils.Database) -> None:
    # The report's escalation counts read these alone, not the history's every row or each ticket's whole row.
    run_script(
        db,
        """
        CREATE INDEX history_tier ON history(ticket_id) WHERE field = 'tier';
        CREATE INDEX tickets_created_escalations ON tickets(created_at, escalations);
        """,
    )


def _queue_order_index(db: sqlite_utils.Database) -> None:
    # PostgreSQL: a search that matches thousands of tickets (q=S07: 8,590 of 100,000) walks the queue's
    # default order and stops at a page (19 -> 2 ms) instead of reading and sorting every match. SQLite's
    # planner took it for other filters too and made them slower (open P2: 0.1 -> 21 ms), so it is not built there.
    run_script(db, "CREATE INDEX tickets_due_order ON tickets((sla_due_at IS NULL), sla_due_at, id)")


MIGRATIONS = [
    Migration(1, "users, tickets, messages, history, article links, suggestions", _initial),
    Migration(2, "indexes for the reports and the agent queue", _report_and_queue_indexes),
    Migration(3, "incremental SLA sweep (sla_check_at) and substring search of subjects and requesters (trigram FTS5)", _sla_check_and_ticket_search),
    Migration(4, "ticket search indexed in the background: new tickets wait in tickets_search_pending", _ticket_search_in_background),
    Migration(6, "how a ticket's requester was identified: signed in (account) or an unproven typed address", _requester_identity),
    Migration(8, "a requester may also be identified by following the proof link mailed to the address ('mail')", _proven_by_mail),
    Migration(9, "satisfaction ratings: one per resolution of a ticket, 1-5 with a comment", _ratings),
    Migration(10, "mail in: each ticket's channel (web, mail, api) and every message read from the mailbox, once", _mail_in),
    Migration(11, "canned replies: reply templates, shared (no owner) or an agent's own", _reply_templates),
    Migration(12, "routing: a ticket's group, and whose turn it is in each round-robin group", _routing),
    Migration(13, "alerts in: the ticket each Alertmanager alert group opened", _alert_groups),
    Migration(14, "attachments: files attached to a ticket or one of its messages, kept by content hash", _attachments),
    desk.MIGRATION,
    Migration(30, "mail in: a note from another address keeps its sender and text, for an agent to accept as the requester's reply", _mail_notes),
    Migration(31, "indexes for the report's escalation counts: tier changes in the history, tickets by day with their escalations", _escalation_indexes),
    Migration(32, "PostgreSQL: the agent queue's default order (due first, then by number) as an index", _queue_order_index,
              engines=(dialect.POSTGRESQL,)),
]

"""What differs between SQLite and PostgreSQL, named in one place; the domains write SQL in the subset both run.

The domains' SQL is written for SQLite in the part of it PostgreSQL also understands (``?`` placeholders,
``[name]`` quoting, ``ON CONFLICT``, ``RETURNING``, ``COLLATE NOCASE``). ``translate`` turns a statement into
PostgreSQL's spelling once (cached): placeholders, quoting, a literal ``%`` and ``group_concat``. The parts no
translation can make the same are functions here, one per difference, each taking the engine's name:
the ticket search (SQLite's trigram FTS5 table against ``pg_trgm`` indexes, which ``searching_by_index`` keeps
PostgreSQL's planner to), and the schema (``postgres_ddl``: the tables the SQLite migrations build, written as
PostgreSQL DDL by the rules in ``DDL_RULES``). A migration for one engine alone names it in ``Migration.engines``
(the queue's order index, on PostgreSQL only).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import tempfile
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def integrity_errors() -> tuple[type[Exception], ...]:
    """The exceptions of a write a constraint refused, on either engine (``except dialect.integrity_errors():``).

    psycopg is only imported where PostgreSQL is used (its import is ~60 ms of every start-up).
    """
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.IntegrityError,) if psycopg is None else (sqlite3.IntegrityError, psycopg.IntegrityError)

# One token at a time: a string literal, a quoted identifier, a bracketed identifier, a placeholder, a percent sign.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|\?|%|\bgroup_concat\(|(?<![:\w]):[A-Za-z_]\w*", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """A statement in the common subset, in PostgreSQL's spelling (``?`` -> ``%s``, ``:name`` -> ``%(name)s``, ``[x]`` -> ``"x"``, ``%`` -> ``%%``)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token.startswith("["):
            return '"' + token[1:-1].replace('"', '""') + '"'
        if token.startswith(":"):
            return f"%({token[1:]})s"
        if token.lower() == "group_concat(":
            return "string_agg("
        return token.replace("%", "%%") if token.startswith("'") else token

    return _TOKENS.sub(swap, sql)


def ticket_search(dialect: str, text: str) -> tuple[str, list[str]]:
    """A condition on ``t`` (tickets) for the tickets whose subject or requester contains ``text``, any case.

    SQLite: from three characters the trigram FTS5 table, plus the few tickets still waiting to be indexed
    (``tickets_search_pending``); a shorter text scans with ``LIKE``. PostgreSQL: ``ILIKE`` on the columns
    themselves, answered by their ``pg_trgm`` GIN indexes, always current.
    """
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if dialect == POSTGRESQL:
        return "(t.subject ILIKE ? ESCAPE '\\' OR t.requester_email ILIKE ? ESCAPE '\\')", [like, like]
    if len(text) < 3 or "\x00" in text:  # the trigram index finds any substring of three characters or more (FTS5 ends a query at NUL)
        return "(t.subject LIKE ? OR t.requester_email LIKE ?)", [f"%{text}%"] * 2
    return ("t.id IN (SELECT rowid FROM tickets_search WHERE tickets_search MATCH ? UNION ALL "
            "SELECT p.id FROM tickets_search_pending p CROSS JOIN tickets s ON s.id = p.id "  # CROSS: the few pending first
            "WHERE s.subject LIKE ? ESCAPE '\\' OR s.requester_email LIKE ? ESCAPE '\\')",
            ['"' + text.replace('"', '""') + '"', like, like])


@contextlib.contextmanager
def searching_by_index(db: Any) -> Iterator[None]:
    """The ticket search's statements inside this block use the trigram indexes on PostgreSQL (SQLite: as they are).

    PostgreSQL's planner prices a row's ``ILIKE`` as cheap as an equality, so for a text in one ticket out of
    eight it chose to read all of them: over 102,600 tickets, "S07" counted in 160 ms by the scan and in 18 ms
    through the indexes. A read transaction with ``enable_seqscan`` off for its statements leaves it the indexes.
    """
    if db.dialect != POSTGRESQL:
        yield
        return
    with db.conn.transaction():
        db.conn.execute("SET LOCAL enable_seqscan = off")
        yield


def search_indexed_in_background(dialect: str) -> bool:
    """True where filed tickets wait in ``tickets_search_pending`` for the background indexer (SQLite's FTS5 table)."""
    return dialect == SQLITE


# The schema: SQLite's tables as the migrations leave them, rewritten for PostgreSQL by these rules, in order.
DDL_RULES: list[tuple[str, str, str]] = [
    ("a rowid alias becomes an identity column", r"\b(\w+) INTEGER PRIMARY KEY\b", r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    ("SQLite's INTEGER is 64 bits", r"\bINTEGER\b", "BIGINT"),
    ("SQLite's REAL is a double", r"\bREAL\b", "DOUBLE PRECISION"),
    ("bytes", r"\bBLOB\b", "BYTEA"),
    ("a collation follows the type", r"\bTEXT((?: NOT NULL| UNIQUE)+) COLLATE NOCASE\b", r"TEXT COLLATE nocase\1"),
    ("SQLite's CURRENT_TIMESTAMP text", r"\bDEFAULT CURRENT_TIMESTAMP\b",
     "DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"),
    ("foreign keys checked per statement, deferrable for a bulk copy", r"(REFERENCES \w+\(\w+\)(?: ON DELETE CASCADE)?)",
     r"\1 DEFERRABLE INITIALLY IMMEDIATE"),
]
# SQLite's own search tables and their triggers: PostgreSQL searches the columns through these indexes instead.
SEARCH_INDEXES = [
    "CREATE INDEX tickets_subject_trgm ON tickets USING gin (subject gin_trgm_ops)",
    "CREATE INDEX tickets_requester_trgm ON tickets USING gin (requester_email gin_trgm_ops)",
]
PREAMBLE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # SQLite's NOCASE: the same name, so ``COLLATE NOCASE`` in a query or a column means the same on both.
    "DO $$ BEGIN CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false); "
    "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
]


def _is_sqlite_search(name: str) -> bool:
    return name.startswith("tickets_search") and name != "tickets_search_pending"


def ddl_to_postgres(sql: str) -> str:
    """One SQLite ``CREATE TABLE``/``CREATE INDEX`` statement rewritten by ``DDL_RULES``."""
    for _, pattern, replacement in DDL_RULES:
        sql = re.sub(pattern, replacement, sql)
    return sql


def sqlite_schema(migrations: list) -> list[dict[str, str]]:
    """The tables and indexes the migrations build on a scratch SQLite file, in creation order (type, name, tbl_name, sql)."""
    from support.db.store import migrate, Store  # the SQLite runner; imported here to keep this module's imports light

    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "schema.db")
        try:
            migrate(store, migrations)
            return store.all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') "
                             "ORDER BY rowid")
        finally:
            store.close()


def postgres_ddl(migrations: list) -> list[str]:
    """The statements that create the migrations' schema in an empty PostgreSQL database."""
    statements = list(PREAMBLE)
    for item in sqlite_schema(migrations):
        if _is_sqlite_search(item["tbl_name"]):
            continue
        statements.append(ddl_to_postgres(item["sql"]))
    return statements + SEARCH_INDEXES


def copied_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables of an SQLite portal database that hold data of their own (not the FTS5 search index), in creation order."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid")
    return [name for (name,) in rows if not _is_sqlite_search(name) and not name.startswith("sqlite_")]

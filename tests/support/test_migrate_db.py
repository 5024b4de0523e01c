"""``portal migrate-db --to postgresql://...``: an SQLite portal's data copied into PostgreSQL, checked, and served from there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pg_harness
import psycopg
import pytest
from click.testing import CliRunner

from support.cli import register
from support_harness import start_server, stop_server

pytestmark = pytest.mark.sqlite_only  # it starts its own PostgreSQL: once, in the SQLite pass


@click.group()
def portal() -> None:
    """Stand-in for the lead's ``portal`` group."""


register(portal)


def run(*args: str) -> click.testing.Result:
    """Invoke ``portal ARGS`` in-process."""
    return CliRunner().invoke(portal, list(args), catch_exceptions=False)


@pytest.fixture
def sqlite_portal(tmp_path: Path) -> Path:
    """A portal that ran on SQLite: two accounts, three tickets with a reply and a rating; its data folder."""
    server, thread, live = start_server(tmp_path / "before", database_url="")
    live.add_user("alex@example.com", "agent", "Alex Agent")
    agent = live.client()
    agent.login("alex@example.com")
    for n in range(3):
        live.file(subject=f"Conveyor {n} jammed at station 3")
    assert agent.form("/support/tickets/1/reply", {"body": "Please send a photo of the HMI."}).status_code == 303
    stop_server(server, thread, live)
    return live.data_dir


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """An empty PostgreSQL database (no tables): what ``createdb`` gives."""
    server = pg_harness.server()
    url = server.empty_database()
    yield url
    server.drop(url)


def test_the_copy_is_checked_table_by_table_and_the_portal_runs_on_it(sqlite_portal: Path, empty_postgres: str, tmp_path: Path) -> None:
    """Every table's rows and checksum agree; served from PostgreSQL the tickets are there and new ids follow on."""
    result = run("migrate-db", "--to", empty_postgres, "--data-dir", str(sqlite_portal))
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if "checksum" in line}
    assert lines["tickets"].split()[1] == "3" and lines["tickets"].endswith("ok")
    assert lines["messages"].split()[1] == "1" and all(line.endswith("ok") for line in lines.values())
    assert "tickets_search_pending" not in lines and "schema_migrations" not in lines
    assert "Copied and checked" in result.output

    server, thread, live = start_server(tmp_path / "after", database_url=empty_postgres)
    try:
        live.add_user("ada@example.com", "admin", "Ada Admin")  # a new id after the copied ones
        agent = live.client()
        agent.login("alex@example.com")  # the copied account and its password hash
        queue = agent.get("/api/tickets", params={"q": "jammed"}).json()
        assert sorted(t["subject"] for t in queue["tickets"]) == [f"Conveyor {n} jammed at station 3" for n in range(3)]
        assert live.file()["ticket"]["id"] == 4
    finally:
        stop_server(server, thread, live)


def test_the_copy_ends_with_statistics_and_settled_search_indexes(sqlite_portal: Path, empty_postgres: str) -> None:
    """Every copied table is vacuumed and analyzed, so the first queries plan on statistics and the trigram indexes
    hold no rows in their GIN pending list (with them there, the queue's search scanned every ticket)."""
    assert run("migrate-db", "--to", empty_postgres, "--data-dir", str(sqlite_portal)).exit_code == 0
    with psycopg.connect(empty_postgres, autocommit=True) as conn:
        unsettled = conn.execute("SELECT relname FROM pg_stat_user_tables WHERE n_live_tup > 0 "
                                 "AND (last_vacuum IS NULL OR last_analyze IS NULL) ORDER BY relname").fetchall()
        assert unsettled == [("schema_migrations",)]  # written with the schema, not copied
        assert conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'tickets'").fetchone()[0] == 3
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        pending = conn.execute("SELECT pending_tuples FROM pgstatginindex('tickets_subject_trgm')").fetchone()[0]
        assert pending == 0


def test_a_portal_from_before_a_postgresql_only_migration_copies_and_gets_it(sqlite_portal: Path, empty_postgres: str) -> None:
    """Migration 32 (the queue's order index) changes no SQLite table: a database that never recorded it copies
    without being started first, and the target has the index; a missing migration SQLite applies still stops the copy."""
    import sqlite3

    with sqlite3.connect(sqlite_portal / "portal.db") as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 32")
    assert run("migrate-db", "--to", empty_postgres, "--data-dir", str(sqlite_portal)).exit_code == 0
    with psycopg.connect(empty_postgres) as conn:
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'tickets_due_order'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM schema_migrations WHERE version = 32").fetchone()[0] == 1
    with sqlite3.connect(sqlite_portal / "portal.db") as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 31")
    other = pg_harness.server().empty_database()
    try:
        again = run("migrate-db", "--to", other, "--data-dir", str(sqlite_portal))
    finally:
        pg_harness.server().drop(other)
    assert again.exit_code == 1 and "the SQLite database lacks migrations [31]" in again.output


def test_a_second_copy_into_the_same_database_is_refused(sqlite_portal: Path, empty_postgres: str) -> None:
    """The target must be empty: a copy never merges into data already there."""
    assert run("migrate-db", "--to", empty_postgres, "--data-dir", str(sqlite_portal)).exit_code == 0
    again = run("migrate-db", "--to", empty_postgres, "--data-dir", str(sqlite_portal))
    assert again.exit_code == 1
    assert again.output.splitlines()[-1].startswith("Error: the target database is not empty (it has the tables ")
    with psycopg.connect(empty_postgres) as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3


def test_a_bad_url_or_an_unreachable_server_is_one_clear_line(sqlite_portal: Path, tmp_path: Path) -> None:
    """A URL that is not PostgreSQL's, or a server that is not there, ends with ``Error: ...`` and exit 1."""
    bad = run("migrate-db", "--to", "mysql://db/portal", "--data-dir", str(sqlite_portal))
    assert (bad.exit_code, bad.output.splitlines()[-1]) == (
        1, "Error: --to: expected a PostgreSQL URL, postgresql://user@host/database (got 'mysql://db/portal')")
    gone = run("migrate-db", "--to", f"postgresql://portal:secret@/portal?host={tmp_path}&port=5999", "--data-dir", str(sqlite_portal))
    assert gone.exit_code == 1
    assert gone.output.splitlines()[-1].startswith(f"Error: cannot connect to PostgreSQL at postgresql://portal@/portal?host={tmp_path}")
    assert "secret" not in gone.output
    missing = run("migrate-db", "--to", "postgresql://x@/y", "--data-dir", str(tmp_path / "nothing"))
    assert missing.output == f"Error: no portal database at {tmp_path / 'nothing' / 'portal.db'} (check --data-dir or PORTAL_DATA_DIR)\n"

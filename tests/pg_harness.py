"""Debian's PostgreSQL 15 for the tests: a socket-only server in a temporary folder, and a fresh database per use.

``PORTAL_TEST_DATABASE=postgresql`` runs the backend tests on PostgreSQL (the Makefile's test target runs
them once more that way). Each pytest process (each xdist worker too) starts its own server in its own
folder, so workers share nothing; every database is a copy of one migrated template
(``CREATE DATABASE ... TEMPLATE``: 0.1-0.3 s here, with the drop after the test), named with
the process id and a counter.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

BIN = Path("/usr/lib/postgresql/15/bin")
ENGINE = os.environ.get("PORTAL_TEST_DATABASE", "sqlite")
TEMPLATE = "portal_template"


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, reachable only through the socket in that folder."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.port = 5432
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = [*args] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> PostgresServer:
        """initdb (as the ``postgres`` user when run as root: initdb refuses root) and start; returns self."""
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=300"
        self._run(str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        """The URL of one of the server's databases."""
        return f"postgresql://postgres@/{database}?host={self.dir}&port={self.port}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) on the ``postgres`` database."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def make_template(self, migrations_open) -> None:
        """Create the template database with the portal's schema (``migrations_open``: opens and migrates a store)."""
        self.admin(f"CREATE DATABASE {TEMPLATE}")
        migrations_open(self.url(TEMPLATE)).close()

    def fresh_database(self) -> str:
        """A new database with the portal's schema, copied from the template; its URL."""
        name = f"t_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty_database(self) -> str:
        """A new database without tables (as ``createdb`` makes one); its URL."""
        name = f"empty_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by ``fresh_database`` (its connections ended first)."""
        self.admin(f"DROP DATABASE IF EXISTS {url.split('/')[3].split('?')[0]} WITH (FORCE)")

    def stop(self) -> None:
        """Stop fast and remove the folder."""
        try:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


_server: PostgresServer | None = None


def server() -> PostgresServer:
    """This process's server, started (with its template) on first use; ``stop_server`` ends it."""
    global _server
    if _server is None:
        from support.migrations import open_portal_store

        _server = PostgresServer().start()
        _server.make_template(open_portal_store)
    return _server


def stop_server() -> None:
    """Stop this process's server if one was started."""
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def fresh_database(sqlite_path: Path) -> Path | str:
    """Where a test's database is: ``sqlite_path`` on SQLite, a fresh PostgreSQL database's URL otherwise."""
    return server().fresh_database() if ENGINE == "postgresql" else sqlite_path


def drop_database(where: Path | str) -> None:
    """Drop a database ``fresh_database`` made on PostgreSQL (an SQLite file goes with its tmp_path)."""
    if isinstance(where, str) and _server is not None:
        _server.drop(where)

"""``portal migrate-db``: copy an SQLite portal database into an empty PostgreSQL database, then check the copy.

The source is read in one read transaction (a consistent snapshot while the portal keeps running; what
it writes after that moment is not copied, so stop it, or switch it to read-only, for the final copy).
The target gets the schema of the same migrations (``dialect.postgres_ddl``), then each table's rows by
``COPY`` in one transaction with the foreign keys checked at its commit, then ``VACUUM (ANALYZE)`` of each
table (see ``settle``). The check compares, per table,
the row count and a checksum: the sum of a hash of every row's values, which does not depend on the
order either engine returns the rows in.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from support.db import dialect
from support.db.migrations import Migration
from support.db.postgres import migrate as migrate_postgres, PostgresStore

NOT_COPIED = {"schema_migrations", "tickets_search_pending"}  # created with the schema / SQLite's search queue only
BATCH = 2000


class CopyError(Exception):
    """A reason the copy cannot start or did not match, in words for the command line."""


@dataclass
class TableCheck:
    """One table's figures on both sides after the copy."""

    table: str
    rows: int
    copied: int
    checksum: str
    copied_checksum: str

    @property
    def ok(self) -> bool:
        """True when count and checksum agree."""
        return self.rows == self.copied and self.checksum == self.copied_checksum


def connect_target(url: str) -> psycopg.Connection:
    """A connection to the target; ``CopyError`` for a URL that is not PostgreSQL's or a server that does not answer."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise CopyError(f"--to: expected a PostgreSQL URL, postgresql://user@host/database (got {url!r})")
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CopyError(f"cannot connect to PostgreSQL at {_safe(url)}: {first}") from None
    except psycopg.ProgrammingError as exc:  # a URL psycopg cannot parse
        raise CopyError(f"--to: not a usable PostgreSQL URL ({exc})") from None


def _safe(url: str) -> str:
    """The URL without a password."""
    head, _, rest = url.partition("://")
    if "@" in rest.split("/")[0]:
        user, _, host = rest.partition("@")
        return f"{head}://{user.split(':')[0]}@{host}"
    return url


def refuse_non_empty(conn: psycopg.Connection) -> None:
    """``CopyError`` unless the target database has no tables of its own (the copy never merges into data)."""
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name").fetchall()]
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise CopyError(f"the target database is not empty (it has the tables {shown}); migrate-db copies into an empty "
                        "database only: create one with `createdb` and name it in --to")


def source_tables(source: sqlite3.Connection, migrations: list[Migration]) -> list[str]:
    """The source's tables to copy; ``CopyError`` when its schema is not the current one."""
    done = {v for (v,) in source.execute("SELECT version FROM schema_migrations")}
    missing = sorted({m.version for m in migrations if dialect.SQLITE in m.engines} - done)  # one for PostgreSQL alone changes no SQLite table
    if missing:
        raise CopyError(f"the SQLite database lacks migrations {missing[:5]}: start the current portal on it once "
                        "(it applies them), then copy")
    return [t for t in dialect.copied_tables(source) if t not in NOT_COPIED]


def copy(source_path: Path, url: str, migrations: list[Migration],
         progress: Callable[[int, int], Any] = lambda done, total: None) -> list[TableCheck]:
    """Copy every table of ``source_path`` into the empty database at ``url`` and check it; the checks per table.

    ``progress(rows_copied, rows_in_all)`` is called as the copy goes.
    """
    target = connect_target(url)
    try:
        refuse_non_empty(target)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            source.execute("BEGIN")  # one snapshot for the copy and the check
            tables = source_tables(source, migrations)
            counts = {t: source.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
            store = PostgresStore(url)
            try:
                migrate_postgres(store, migrations)
            finally:
                store.close()
            _copy_rows(source, target, tables, counts, progress)
            settle(target, tables)
            return [_check(source, target, t, counts[t]) for t in tables]
        finally:
            source.close()
    finally:
        target.close()


def _copy_rows(source: sqlite3.Connection, target: psycopg.Connection, tables: list[str], counts: dict[str, int],
               progress: Callable[[int, int], Any]) -> None:
    total, done = sum(counts.values()), 0
    with target.transaction():
        target.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            columns = [r[1] for r in source.execute(f"PRAGMA table_info([{table}])")]
            types = _target_types(target, table, columns)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor = source.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}]")
            with target.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copier:
                copier.set_types(types)
                while rows := cursor.fetchmany(BATCH):
                    for row in rows:
                        copier.write_row(row)
                    done += len(rows)
                    progress(done, total)
            if "id" in columns and _is_identity(target, table):
                target.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), coalesce(max(id), 0) + 1, false) FROM \"{table}\"")


def settle(target: psycopg.Connection, tables: list[str]) -> None:
    """``VACUUM (ANALYZE)`` each copied table (outside a transaction: VACUUM refuses one).

    Without it the first queries plan on no statistics, and the trigram indexes keep the rows COPY left in
    their GIN pending list (only VACUUM or autovacuum moves them; a plain ANALYZE does not), which the
    planner prices so high that the queue's search scanned all 100,000 tickets (200 ms instead of 30).
    """
    for table in tables:
        target.execute(f'VACUUM (ANALYZE) "{table}"')


def _target_types(target: psycopg.Connection, table: str, columns: list[str]) -> list[str]:
    found = dict(target.execute("SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = 'public' "
                                "AND table_name = %s", [table]).fetchall())
    missing = [c for c in columns if c not in found]
    if missing:
        raise CopyError(f"{table}: the PostgreSQL schema has no column {', '.join(missing)}")
    return [found[c] for c in columns]


def _is_identity(target: psycopg.Connection, table: str) -> bool:
    return target.execute("SELECT is_identity FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
                          "AND column_name = 'id'", [table]).fetchone() == ("YES",)


def checksum(rows: Iterable[tuple]) -> str:
    """An order-independent checksum of rows: the sum, modulo 2**128, of each row's sha256 (first 16 bytes)."""
    total = 0
    for row in rows:
        text = "\x1f".join("\x00" if v is None else (v.hex() if isinstance(v, (bytes, memoryview)) else repr(v)) for v in row)
        total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")) % (1 << 128)
    return f"{total:032x}"


def _check(source: sqlite3.Connection, target: psycopg.Connection, table: str, rows: int) -> TableCheck:
    columns = [r[1] for r in source.execute(f"PRAGMA table_info([{table}])")]
    here = checksum(source.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}]"))
    with target.transaction(), target.cursor(name=f"check_{table}") as cursor:  # server-side: not all rows in memory at once
            cursor.execute(f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM \"{table}\"")
            there = checksum(_plain(row) for row in cursor)
    copied = target.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return TableCheck(table, rows, copied, here, there)


def _plain(row: tuple) -> tuple:
    """Values as sqlite3 returns them (bytes, not memoryview)."""
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)

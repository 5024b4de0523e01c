"""The portal database on PostgreSQL: the same interface as ``support.db.store.Store``, over psycopg 3.

Chosen by ``PORTAL_DATABASE_URL=postgresql://...``. The domains' statements are SQLite's common subset with
PostgreSQL (see ``support.db.dialect``); each is translated once and cached. Connections: one per thread,
in autocommit, with explicit ``BEGIN``/``COMMIT`` in ``tx`` (as the SQLite store does), so a thread's reads never
sit in an open transaction. Values come back as SQLite returns them: ``numeric`` (``sum``, ``avg``) as int or
float, booleans as 0/1, and a Python bool is stored as 0/1 in the integer columns.

Writers: within one process the same in-process lock as SQLite's keeps the domains' read-then-write
transactions one at a time; across instances each background job takes an advisory lock per round
(``try_job_lock``), and the few read-then-write rules that instances may race on take row locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Callable, TypeVar

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.postgres import types as pg_types

from support.db import dialect
from support.db.migrations import Migration
from support.db.store import flat_inside, insert_sql
from support.errors import SupportError

T = TypeVar("T")


class _IntFromNumeric(Loader):
    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(value)


class _IntFromBool(Loader):
    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class _BoolAsInt(Dumper):
    oid = pg_types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


def _adapt(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _IntFromNumeric)
    conn.adapters.register_loader("bool", _IntFromBool)
    conn.adapters.register_dumper(bool, _BoolAsInt)


class PostgresStore:
    """A thread-aware handle on the portal's PostgreSQL database, with the SQLite ``Store``'s methods."""

    dialect = dialect.POSTGRESQL

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-writer")
        self._loop_thread: int | None = None
        self._ids: dict[str, bool] = {}
        self._job_conns: dict[str, psycopg.Connection] = {}

    @property
    def conn(self) -> psycopg.Connection:
        """The calling thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.url, autocommit=True)
            _adapt(conn)
            with self._lock:
                self._all.append(conn)
            self._local.conn = conn
        return conn

    def execute(self, sql: str, params: Any = (), plan_each: bool = False) -> psycopg.Cursor:
        """Run one statement; the cursor (``rowcount``, ``fetchone``, ``fetchall`` as with sqlite3).

        psycopg prepares a statement run five times, and PostgreSQL may then keep one generic plan for all
        values. ``plan_each`` never prepares it, so each run is planned for its values: for a query whose best
        plan depends on them (the queue's search: the generic plan sorted all 8,590 matches of "S07", 19 ms,
        where the one for the pattern reads a page along an index, 2 ms).

        A value PostgreSQL cannot take where SQLite would (a NUL character in text, an integer past 64
        bits, text compared with a number column) is the request's fault: a ``SupportError`` (400), not a 500.
        """
        try:
            return self.conn.execute(dialect.translate(sql), params if isinstance(params, dict) else list(params),
                                     prepare=False if plan_each else None)
        except psycopg.DataError as exc:
            raise SupportError(f"Invalid value: {str(exc).strip().splitlines()[0]}") from None

    def one(self, sql: str, params: Any = (), plan_each: bool = False) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None (``plan_each``: see ``execute``)."""
        cursor = self.execute(sql, params, plan_each)
        row = cursor.fetchone()
        return None if row is None else dict(zip(_names(cursor), row))

    def all(self, sql: str, params: Any = (), plan_each: bool = False) -> list[dict[str, Any]]:
        """All rows of a query as dicts (``plan_each``: see ``execute``)."""
        cursor = self.execute(sql, params, plan_each)
        result = cursor.pgresult
        if result is None or result.status != psycopg.pq.ExecStatus.TUPLES_OK:  # a statement that returns no rows
            return []
        keys = _names(cursor)
        return [dict(zip(keys, row)) for row in cursor.fetchall()]

    def insert(self, table: str, record: dict[str, Any]) -> int | None:
        """Insert one row; its ``id`` where the table has one (SQLite's rowid), else None."""
        sql = insert_sql(table, record)
        if not self._has_id(table):
            self.execute(sql, list(record.values()))
            return None
        return self.execute(sql + " RETURNING id", list(record.values())).fetchone()[0]

    def insert_returning(self, table: str, record: dict[str, Any]) -> dict[str, Any]:
        """Insert one row and return it as stored (defaults filled in), in one statement."""
        return self.one(insert_sql(table, record) + " RETURNING *", list(record.values()))

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Set ``values`` on the row whose ``id`` is ``row_id``."""
        sets = ", ".join(f"[{name}] = ?" for name in values)
        self.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*values.values(), row_id])

    def _has_id(self, table: str) -> bool:
        if table not in self._ids:
            self._ids[table] = self.one("SELECT 1 AS x FROM information_schema.columns WHERE table_name = ? AND column_name = 'id'",
                                        [table]) is not None
        return self._ids[table]

    @contextlib.contextmanager
    def tx(self, flat: bool = False) -> Iterator[PostgresStore]:
        """A write transaction; nested, a savepoint (``flat``: as ``Store.tx``). Never on the event loop (``RuntimeError``).

        Each savepoint and its release are round trips to the server: a filing's two took 4 of its 10.
        """
        conn = self.conn
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            if getattr(self._local, "flat", False):
                yield self
                return
            with conn.transaction(), flat_inside(self._local, flat):
                yield self
            return
        if getattr(self._local, "holding", False):
            lock: Any = contextlib.nullcontext()
        elif threading.get_ident() == self._loop_thread:
            raise RuntimeError("a write transaction on the event loop: run it with `await store.write(...)`")
        else:
            lock = self._write_lock
        # psycopg's own BEGIN and COMMIT skip a cursor and the prepared-statement bookkeeping: 25 us less per transaction
        with lock, conn.transaction(), flat_inside(self._local, flat):
            yield self

    def serve_from_this_thread(self) -> None:
        """Mark the calling thread as the server's event loop: write transactions are refused on it from now on."""
        self._loop_thread = threading.get_ident()

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn``, which may write, without the event loop waiting for the write lock (as ``Store.write``)."""
        if self._write_lock.acquire(blocking=False):
            self._local.holding = True
            try:
                return fn(*args, **kwargs)
            finally:
                self._local.holding = False
                self._write_lock.release()
        return await asyncio.get_running_loop().run_in_executor(self._writer, functools.partial(fn, *args, **kwargs))

    def try_job_lock(self, job: str) -> bool:
        """Take a background job's advisory lock unless another instance holds it (``release_job_lock`` gives it back).

        Each job has a connection of its own for its lock, whatever thread asks: a session-level advisory
        lock belongs to the connection that took it, and a dead instance's locks go with its connections.
        """
        with self._lock:
            conn = self._job_conns.get(job)
            if conn is None or conn.closed:
                conn = self._job_conns[job] = psycopg.connect(self.url, autocommit=True)
                self._all.append(conn)
        return conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [job]).fetchone()[0]

    def release_job_lock(self, job: str) -> None:
        """Give back a job's advisory lock."""
        self._job_conns[job].execute("SELECT pg_advisory_unlock(hashtext(%s))", [job])

    def checkpoint(self) -> tuple[int, int, int]:
        """Nothing to do: PostgreSQL checkpoints by itself (SQLite's WAL checkpoint has no counterpart here)."""
        return (0, 0, 0)

    def close(self) -> None:
        """Close every connection opened by any thread (at shutdown)."""
        self._writer.shutdown(wait=True)
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _names(cursor: psycopg.Cursor) -> list[str]:
    # the result's own field names: ``description`` builds a Column with its type per field (a filing's RETURNING *: 32)
    result = cursor.pgresult
    return [result.fname(i).decode() for i in range(result.nfields)]


def open_postgres_store(url: str, migrations: list[Migration]) -> PostgresStore:
    """Connect, create the schema in an empty database or apply what is pending, return the store."""
    store = PostgresStore(url)
    migrate(store, migrations)
    return store


def migrate(store: PostgresStore, migrations: list[Migration]) -> list[int]:
    """Bring the database to the migrations' schema; the versions applied.

    An empty database gets the whole schema at once, written from what the SQLite migrations build
    (``dialect.postgres_ddl``), then the migrations for PostgreSQL alone. Migrations added after a database was created run through the
    translator, so they must keep to the common subset (plain ``CREATE``/``ALTER TABLE ... ADD COLUMN``
    DDL and DML); one that edits SQLite's own schema tables stops the start with its name.
    """
    with store.tx():
        store.execute("SELECT pg_advisory_xact_lock(hashtext('portal schema'))")  # two instances starting at once
        exists = store.one("SELECT to_regclass('schema_migrations') AS t")["t"] is not None
        if not exists:
            for statement in dialect.postgres_ddl(migrations):
                store.conn.execute(statement)
            for m in sorted(migrations, key=lambda m: m.version):
                if dialect.SQLITE not in m.engines:  # not in the SQLite schema the DDL was written from
                    m.apply(_DdlRunner(store))
            for m in migrations:
                store.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [m.version, m.name])
            return [m.version for m in migrations]
        done = {row["version"] for row in store.all("SELECT version FROM schema_migrations")}
        applied = []
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version not in done:
                if dialect.POSTGRESQL in migration.engines:
                    migration.apply(_DdlRunner(store))
                store.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [migration.version, migration.name])
                applied.append(migration.version)
        return applied


class _DdlRunner:
    """What a migration's ``apply`` is given on PostgreSQL: ``execute`` with the DDL rules and the translator."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def execute(self, sql: str, params: Any = ()) -> psycopg.Cursor:
        if "sqlite_" in sql or sql.lstrip().upper().startswith("PRAGMA"):
            raise RuntimeError(f"this migration is written for SQLite only: {sql.strip()[:80]}")
        return self.store.execute(dialect.ddl_to_postgres(sql), params)

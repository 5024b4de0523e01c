"""The SQLite file: one connection per thread, explicit write transactions, versioned migrations.

Durability: WAL mode with ``synchronous=NORMAL``: a commit (and the HTTP 201) survives the process
being killed; a power loss may lose the last commits, never the file. The WAL is checkpointed by a
background task (``Store.checkpoint``), not by the commit that fills it.

Writers: every write transaction of this process takes one in-process lock first (queueing in
Python, not in SQLite's polling busy handler); async code never waits for it on the event loop: it
hands its writes over with ``await store.write(...)``, and the writes handed over in one turn of the
loop share one commit (``support.db.batching``). Why, with the figures: docs/performance.md.

Threads: ``sqlite3`` connections must not be shared between threads, and FastAPI runs sync
endpoints and dependencies in a thread pool (not necessarily the same thread). ``Store`` therefore
resolves ``store.conn``/``store.query``/... to the calling thread's own connection on every use.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from support.db.batching import GroupCommit
from support.db.migrations import Migration

APP_ID = 0x504F5254  # "PORT": marks a file as a portal database (checked by restore)


class Store(GroupCommit):
    """A thread-aware handle on the portal database; delegates to the thread's ``sqlite_utils.Database``."""

    dialect = "sqlite"  # see support.db.dialect; PostgreSQL's store is support.db.postgres.PostgresStore

    def __init__(self, path: Path, autocheckpoint: bool = True) -> None:
        self.path = Path(path)
        self.autocheckpoint = autocheckpoint
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-writer")
        self._loop_thread: int | None = None
        self._queued: list = []  # GroupCommit's calls waiting for the end of the loop's turn

    @property
    def db(self) -> sqlite_utils.Database:
        """The calling thread's database, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = connect(self.path)
            if not self.autocheckpoint:
                conn.execute("PRAGMA wal_autocheckpoint=0")  # ``checkpoint`` runs in the background instead
            with self._lock:
                self._all.append(conn)
            db = self._local.db = sqlite_utils.Database(conn)
        return db

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def __getitem__(self, table: str) -> sqlite_utils.db.Table:
        return self.db[table]

    def one(self, sql: str, params: Any = (), plan_each: bool = False) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None (run directly: sqlite-utils' ``query`` adds a savepoint per read).

        ``plan_each`` matters on PostgreSQL only (``PostgresStore.execute``): SQLite plans every statement for its values.
        """
        cursor = self.db.conn.execute(sql, params)
        try:
            row = cursor.fetchone()
            return None if row is None else dict(zip([d[0] for d in cursor.description], row))
        finally:
            cursor.close()

    def all(self, sql: str, params: Any = (), plan_each: bool = False) -> list[dict[str, Any]]:
        """All rows of a query as dicts (``plan_each``: as in ``one``)."""
        cursor = self.db.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row)) for row in cursor.fetchall()]

    def insert(self, table: str, record: dict[str, Any]) -> int:
        """Insert one row into an existing table; its rowid (a plain INSERT: ``Table.insert`` re-reads the columns each call)."""
        return self.db.conn.execute(insert_sql(table, record), list(record.values())).lastrowid

    def insert_returning(self, table: str, record: dict[str, Any]) -> dict[str, Any]:
        """Insert one row and return it as stored (defaults filled in), in one statement."""
        cursor = self.db.conn.execute(insert_sql(table, record) + " RETURNING *", list(record.values()))
        row = cursor.fetchone()
        return dict(zip((c[0] for c in cursor.description), row))

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Set ``values`` on the row whose ``id`` is ``row_id``."""
        sets = ", ".join(f"[{name}] = ?" for name in values)
        self.db.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*values.values(), row_id])

    def try_job_lock(self, job: str) -> bool:
        """True: one process serves an SQLite file, so its background jobs never meet another instance's."""
        return True

    def release_job_lock(self, job: str) -> None:
        """Nothing to give back (see ``try_job_lock``)."""

    @contextlib.contextmanager
    def tx(self, flat: bool = False) -> Iterator[sqlite_utils.Database]:
        """A write transaction (``BEGIN IMMEDIATE``: takes the write lock up front, so no upgrade deadlocks); nested, a savepoint.

        ``flat``: the transactions opened inside this block join it instead of making savepoints of their own;
        for a block in which nothing catches an error from inside (any error undoes the whole block).
        Never on the event loop (``RuntimeError``): there the process's write lock could make every request
        wait for a thread's transaction. Async code hands its writes to ``write``.
        """
        db = self.db
        if db.conn.in_transaction:
            if getattr(self._local, "flat", False):
                yield db
                return
            with _savepoint(db), flat_inside(self._local, flat):
                yield db
            return
        if getattr(self._local, "holding", False):  # inside ``write`` on the loop, which took the lock without waiting
            lock: Any = contextlib.nullcontext()
        elif threading.get_ident() == self._loop_thread:
            raise RuntimeError("a write transaction on the event loop: run it with `await store.write(...)`")
        else:
            lock = self._write_lock
        with lock:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                with flat_inside(self._local, flat):
                    yield db
            except BaseException:
                db.rollback()
                raise
            db.conn.execute("COMMIT")

    def serve_from_this_thread(self) -> None:
        """Mark the calling thread as the server's event loop: write transactions are refused on it from now on."""
        self._loop_thread = threading.get_ident()

    def in_write_tx(self) -> bool:
        """Whether the calling thread's connection is inside a transaction."""
        return self.db.conn.in_transaction

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy committed WAL pages into the database file without blocking writers: (busy, WAL pages, pages copied).

        The app turns SQLite's automatic checkpoint off and calls this from a background task:
        otherwise the commit that crosses 1,000 WAL pages copies and fsyncs them itself, and that
        request (and every one queued behind it on the event loop) waits for the disk.
        """
        return tuple(self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())

    def close(self) -> None:
        """Close every connection opened by any thread (at shutdown)."""
        self._writer.shutdown(wait=True)
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


@contextlib.contextmanager
def flat_inside(local: threading.local, flat: bool) -> Iterator[None]:
    """While this block runs, nested ``tx()`` calls on this thread join the open transaction (if ``flat``)."""
    if not flat:
        yield
        return
    before, local.flat = getattr(local, "flat", False), True
    try:
        yield
    finally:
        local.flat = before


@contextlib.contextmanager
def _savepoint(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    # One name at every depth (SQLite releases the most recent of a name): sqlite-utils' ``atomic`` names each
    # savepoint at random, an os.urandom read and two statements prepared anew per level (docs/performance.md).
    db.conn.execute("SAVEPOINT portal_nested")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:  # an error may have undone the whole transaction, savepoints included
            db.conn.execute("ROLLBACK TO portal_nested")
            db.conn.execute("RELEASE portal_nested")
        raise
    db.conn.execute("RELEASE portal_nested")


def insert_sql(table: str, record: dict[str, Any]) -> str:
    """The ``INSERT`` of ``record``'s columns into ``table``, with a ``?`` for each value (both stores' ``insert``)."""
    columns = ", ".join(f"[{name}]" for name in record)
    return f"INSERT INTO [{table}] ({columns}) VALUES ({', '.join('?' * len(record))})"


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with the portal's pragmas (WAL is persistent, set by ``migrate``)."""
    conn = sqlite3.connect(str(path), timeout=15, check_same_thread=False)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def open_store(path: Path, migrations: list[Migration], background_checkpoint: bool = False) -> Store:
    """Create the data directory and database if needed, apply pending migrations, return a ``Store``.

    With ``background_checkpoint`` the caller must call ``Store.checkpoint`` regularly (the app does, every second).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, autocheckpoint=not background_checkpoint)
    migrate(store, migrations)
    return store


def migrate(store: Store, migrations: list[Migration]) -> list[int]:
    """Apply the migrations not yet recorded in ``schema_migrations``, in version order; return those applied."""
    db = store.db
    db.enable_wal()
    db.execute(f"PRAGMA application_id={APP_ID}")
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    done = {row["version"] for row in db.query("SELECT version FROM schema_migrations")}
    applied = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        with store.tx():
            if "sqlite" in migration.engines:
                migration.apply(db)
            db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [migration.version, migration.name])
        applied.append(migration.version)
    return applied


def is_portal_database(path: Path) -> str | None:
    """None if ``path`` is an intact portal database, else the reason it is not."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "the SQLite integrity check failed"
            if conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
                return "it is not a portal database (wrong application id)"
            conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"it is not a readable SQLite database ({exc})"
    return None

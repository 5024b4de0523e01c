"""The sender: a process of its own that reads the outbox's due messages, builds them and hands them to the transport.

Building a message and writing or sending it is Python work that holds the GIL: in the serving process it
took the event loop's turn from every request (ticket filing ran at about 0.6x with the sender busy beside
it; docs/performance.md). Here it runs on its own core. The child only reads the database; what each
attempt did comes back to the serving process, which records it through its own writer, so the SQLite
file keeps one writing process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from support.notifications import compose, outbox
from support.migrations import is_postgres_url
from support.notifications.transport import make_transport
from support.settings import Settings

_child: dict[str, Any] = {}  # in the child: its settings, transport and read-only store


class Sender:
    """Starts the child on the first round with something due; a child that died is started again on the next round."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None

    async def deliver(self, now: dt.datetime, limit: int) -> tuple[int, list[outbox.Outcome]]:
        """(how many messages were due, what each delivery attempt did), from the child."""
        if self._pool is None:
            # spawn: forking a process that runs threads and an event loop copies their locks mid-use
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                                             initargs=(self.settings,))
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, _deliver, now, limit)
        except BrokenProcessPool:
            self.close()
            raise

    def close(self) -> None:
        """Stop the child (it finishes the batch in hand, which ``deliver_due`` records before it gives up its turn)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _start(settings: Settings) -> None:
    # Ctrl-C and a service manager's SIGTERM reach the whole process group: the child stops when the server
    # shuts the pool down (after recording the batch in hand) or dies (the watch below), never in mid-batch
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="portal-sender-watch", daemon=True).start()
    _child["settings"] = settings
    _child["transport"] = make_transport(settings)
    _child["store"] = _open_reader(settings.database)


def _exit_with_parent() -> None:
    # a serving process killed outright (SIGKILL) closes nothing: without this the child would wait for work forever
    multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
    os._exit(0)


def _open_reader(where: Path | str) -> Any:
    # open_portal_store without its migrations: the parent created and migrated the database; the child only reads it
    if is_postgres_url(where):
        from support.db.postgres import PostgresStore

        return PostgresStore(where)
    from support.db.store import Store

    return Store(Path(where))


def _deliver(now: dt.datetime, limit: int) -> tuple[int, list[outbox.Outcome]]:
    settings, store = _child["settings"], _child["store"]
    rows = outbox.due(store, now, limit)
    if not rows:
        return 0, []
    built, unbuildable = [], []
    for row in rows:
        try:
            built.append((row["id"], compose.build(row, settings)))
        except Exception as exc:  # noqa: BLE001 - one message that cannot be rendered must not hold up the rest
            # tried again with backoff, like a busy server: a release that mends the template still delivers it
            unbuildable.append(outbox.Outcome(row["id"], False, f"could not be rendered: {type(exc).__name__}: {exc}"))
    return len(rows), unbuildable + (_child["transport"].send(built) if built else [])

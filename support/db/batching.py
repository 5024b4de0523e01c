"""Group commit: the writes that async requests hand over in one turn of the event loop share one transaction.

``await store.write(fn, ...)`` queues ``fn``; the queue is run at the end of the loop's current turn, each
``fn`` in a savepoint of one transaction (a failing one rolls back alone and raises in its own request), and
every request's answer waits for that commit. One commit for several filings costs less than one each (a
commit writes every page it changed, and filings change the same index pages): docs/performance.md.
SQLite's store uses it; PostgreSQL's runs each write alone, as its savepoints are round trips to the server.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Outcome = tuple[bool, Any]  # (True, value) or (False, exception)


class GroupCommit:
    """The ``write`` of a store with ``tx()`` (nested: a savepoint), ``in_write_tx()``, ``_write_lock``, ``_local``,
    ``_writer`` (one thread) and ``_queued`` (a list)."""

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)``, which may write, committed before this returns; the loop never waits for the write lock.

        When no other writer holds the lock, the turn's queue runs on the loop (a few statements cost less
        than a hop to a thread); when one does (a thread-pool request, a background job), the queue goes to
        the store's writer thread and the loop serves other requests meanwhile.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._queued.append((contextvars.copy_context(), lambda: fn(*args, **kwargs), future))
        if len(self._queued) == 1:
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._queued = self._queued, []
        if self._write_lock.acquire(blocking=False):
            self._local.holding = True
            try:
                outcomes = self._run_batch(batch)
            finally:
                self._local.holding = False
                self._write_lock.release()
            _settle(batch, outcomes)
            return
        done = loop.run_in_executor(self._writer, self._run_batch, batch)
        done.add_done_callback(lambda f: _settle(batch, f.result() if f.exception() is None else [(False, f.exception())] * len(batch)))

    def _run_batch(self, batch: list) -> list[Outcome]:
        """Each queued call in its own savepoint of one transaction (a lone call as it is); one outcome per call."""
        if len(batch) == 1:
            context, call, _ = batch[0]
            return [_outcome(context, call)]
        outcomes: list[Outcome] = []
        try:
            with self.tx():
                for context, call, _ in batch:
                    if not self.in_write_tx():  # an error undid the whole transaction (SQLite does, on a full disk)
                        raise RuntimeError("the shared write transaction was rolled back")
                    outcomes.append(_outcome(context, lambda: _in_savepoint(self, call)))
        except Exception as exc:  # noqa: BLE001 - the shared commit failed: every call in it failed with it
            return [(False, exc)] * len(batch)
        return outcomes


def _in_savepoint(store: Any, call: Callable[[], Any]) -> Any:
    with store.tx():
        return call()


def _outcome(context: contextvars.Context, call: Callable[[], Any]) -> Outcome:
    try:
        return True, context.run(call)  # the request's own context: its id in log records
    except Exception as exc:  # noqa: BLE001 - raised again in the request that queued the call
        return False, exc


def _settle(batch: list, outcomes: list[Outcome]) -> None:
    for (_, _, future), (ok, value) in zip(batch, outcomes):
        if future.done():  # the request went away while it waited
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

"""Injectable clocks: the app asks ``app.state.clock()`` for the time, so tests can move it."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock that stands still until moved; thread-safe, for tests and demos."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = (start or system_clock()).astimezone(dt.UTC)
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> dt.datetime:
        """Move the clock forward by ``datetime.timedelta(**delta)`` and return the new time."""
        with self._lock:
            self._now += dt.timedelta(**delta)
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Set the clock to an aware datetime."""
        with self._lock:
            self._now = when.astimezone(dt.UTC)


def iso(when: dt.datetime) -> str:
    """The storage form of a timestamp: ISO 8601 in UTC to the second, e.g. ``2026-11-23T13:00:00+00:00``."""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def parse(text: str) -> dt.datetime:
    """Read a stored timestamp back into an aware datetime."""
    return dt.datetime.fromisoformat(text)

"""``portal serve`` with a clock the tests can move: ``python serve_with_clock.py CLOCK_FILE serve DIR ...``.

The backend asks ``app.state.clock()`` for the time (``create_app(settings, clock=...)``). This runs the real
``portal serve`` command with that clock set to the system time plus the seconds written in CLOCK_FILE, so a
browser test can jump over an assessment's retake wait by writing ``90000`` into the file.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from support import server
from support.clock import system_clock


class OffsetClock:
    """The system time plus the offset in seconds read from a file at each call (0 while it is missing or empty)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> dt.datetime:
        try:
            offset = float(self.path.read_text(encoding="utf-8").strip() or 0)
        except FileNotFoundError:
            offset = 0.0
        return system_clock() + dt.timedelta(seconds=offset)


def main() -> None:
    """Install the clock into the backend's app factory, then run the ``portal`` command line."""
    clock = OffsetClock(Path(sys.argv.pop(1)))
    create_app = server.create_app
    server.create_app = lambda settings, clock_=None: create_app(settings, clock=clock)
    from generator.cli import main as portal

    sys.argv[0] = "portal"
    portal()


if __name__ == "__main__":
    main()

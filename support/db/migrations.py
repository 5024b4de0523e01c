"""What a schema migration is, and the helper that runs one's DDL inside its transaction.

Each domain lists its own migrations explicitly (``support/<domain>/migrations.py``, a ``MIGRATIONS``
list), and ``support.migrations`` puts them in one list for ``support.db.store.open_store``:
nothing registers by being imported. Append new migrations; never edit an applied one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

import sqlite_utils


ENGINES = ("sqlite", "postgresql")  # the names ``support.db.dialect`` gives the two engines


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside a transaction with the thread's database.

    ``engines`` names where it applies; elsewhere it is recorded as done without running. An index one
    engine's planner needs and the other's is misled by is such a step (``dialect`` says which and why).
    """

    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]
    engines: tuple[str, ...] = ENGINES


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run ``;``-separated DDL statements inside the current transaction (``executescript`` would commit it).

    A trigger's body (``BEGIN ... END;``) is kept whole: statements are cut where ``sqlite3.complete_statement`` says one ends.
    """
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""

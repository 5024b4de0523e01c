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


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside a transaction with the thread's database."""

    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


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

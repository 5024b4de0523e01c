"""Every domain's migrations in one list, and the portal database opened with them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from support.accounts.migrations import MIGRATIONS as ACCOUNTS
from support.assessments.migrations import MIGRATIONS as ASSESSMENTS
from support.db.migrations import Migration
from support.kb.feedback import MIGRATIONS as KB_FEEDBACK
from support.kb.searches import MIGRATIONS as KB_SEARCHES
from support.db.store import Store, open_store
from support.notifications.migrations import MIGRATIONS as NOTIFICATIONS
from support.ratelimit import MIGRATIONS as RATE_LIMITS
from support.tickets.migrations import MIGRATIONS as TICKETS

if TYPE_CHECKING:
    from support.db.postgres import PostgresStore

MIGRATIONS: list[Migration] = sorted([*TICKETS, *ACCOUNTS, *RATE_LIMITS, *KB_FEEDBACK, *KB_SEARCHES, *ASSESSMENTS, *NOTIFICATIONS],
                                   key=lambda m: m.version)
LATEST = MIGRATIONS[-1].version
if len({m.version for m in MIGRATIONS}) != len(MIGRATIONS):  # two domains took one number: refuse to start
    raise RuntimeError(f"migration versions taken twice: {sorted(v for v in {m.version for m in MIGRATIONS} if [m.version for m in MIGRATIONS].count(v) > 1)}")


def open_portal_store(where: Path | str, background_checkpoint: bool = False) -> Store | PostgresStore:
    """The portal database at ``where`` (an SQLite file, or a ``postgresql://`` URL), created or brought up to date."""
    if is_postgres_url(where):
        from support.db.postgres import open_postgres_store  # psycopg only where PostgreSQL is used (~60 ms to import)

        return open_postgres_store(str(where), MIGRATIONS)
    return open_store(Path(where), MIGRATIONS, background_checkpoint=background_checkpoint)


def is_postgres_url(where: Path | str) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))

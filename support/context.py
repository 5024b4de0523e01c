"""What a request handler needs from the app: settings, database, KB and the clock, built once by ``create_app``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from support.clock import Clock
from support.db.store import Store
from support.kb.search import KnowledgeBase
from support.settings import Settings
from support.tickets.routing import RoutingSource


@dataclass
class Context:
    """What a request handler needs from the app: settings, database, KB and the clock."""

    settings: Settings
    db: Store
    kb: KnowledgeBase
    clock: Clock
    routing: RoutingSource | None = None

    def now(self) -> dt.datetime:
        """The current time from the injectable clock."""
        return self.clock()

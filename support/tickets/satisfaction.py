"""Satisfaction: the requester rates a resolution 1-5 (once), and the report per agent, category and priority.

The seeds' target is an average above 4.0 out of 5. A rating counts for the agent assigned when it was given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from support.clock import iso
from support.db import dialect
from support.db.store import Store
from support.errors import Conflict
from support.tables import Table

TARGET = 4.0
GROUPS = {"agent": "coalesce(nullif(u.name, ''), u.email, '(unassigned)')", "category": "r.category", "priority": "r.priority"}


def rate(db: Store, ticket: dict[str, Any], resolved_at: str, score: int, comment: str, now: dt.datetime) -> None:
    """Store the rating of one resolution; ``Conflict`` if that resolution was rated already."""
    record = {"ticket_id": ticket["id"], "resolved_at": resolved_at, "score": score, "comment": comment.strip(),
              "agent_id": ticket["assignee_id"], "category": ticket["category"], "priority": ticket["priority"], "rated_at": iso(now)}
    try:
        with db.tx():
            db.insert("ratings", record)
    except dialect.integrity_errors():
        raise Conflict(f"Ticket {ticket['id']} was rated already for this resolution; thank you") from None


def rated(db: Store, ticket_id: int, resolved_at: str) -> bool:
    """True if this resolution of the ticket has its rating."""
    return db.one("SELECT 1 AS x FROM ratings WHERE ticket_id = ? AND resolved_at = ?", [ticket_id, resolved_at]) is not None


def report(db: Store, within: Callable[[str], str] = lambda column: "1", label: str = "") -> list[Table]:
    """The response rate, then per agent, category and priority: ratings, average, the 1-5 distribution, the target; comments.

    ``within`` gives the SQL condition keeping a timestamp column in the report's range (``Period.where``);
    ``label`` names that range in the first table's title.
    """
    resolutions = db.one(f"SELECT count(*) AS n FROM history WHERE field = 'status' AND new = 'resolved' AND {within('at')}")["n"]
    table = Table("satisfaction", f"Satisfaction (target: average above {TARGET} of 5){label}",
                  ["group", "ratings", "response_rate_pct", "average", "target", "1", "2", "3", "4", "5"], chart="average")
    for by, expression in {"all": "'all'", **GROUPS}.items():
        for row in db.all(f"SELECT {expression} AS g, count(*) AS n, avg(r.score) AS avg, "
                          + ", ".join(f"count(*) FILTER (WHERE r.score = {k}) AS s{k}" for k in range(1, 6))
                          + f" FROM ratings r LEFT JOIN users u ON u.id = r.agent_id WHERE {within('r.rated_at')} GROUP BY g ORDER BY g"):
            rate_pct = round(100 * row["n"] / resolutions, 1) if by == "all" and resolutions else None
            table.rows.append([row["g"] if by == "all" else f"{by}: {row['g']}", row["n"], rate_pct, round(row["avg"], 2), TARGET, *(row[f"s{k}"] for k in range(1, 6))])
    comments = Table("satisfaction_comments", "What requesters wrote, newest first", ["ticket", "score", "agent", "comment", "rated_at"])
    comments.rows = [list(r.values()) for r in db.all(
        "SELECT r.ticket_id, r.score, coalesce(nullif(u.name, ''), u.email, '') AS agent, r.comment, r.rated_at FROM ratings r "
        f"LEFT JOIN users u ON u.id = r.agent_id WHERE r.comment != '' AND {within('r.rated_at')} ORDER BY r.id DESC LIMIT 200")]
    return [table, comments]


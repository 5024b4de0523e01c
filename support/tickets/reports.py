"""Ticket reports: SLA compliance, response times, deflection, escalation, backlog, knowledge gaps.

Each report is a list of ``Table``s, so the page, the CSV export and ``portal report tickets``
share one computation.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from support.db.store import Store
from support.settings import PRIORITIES, Settings
from support.tickets import satisfaction, targets
from support.periods import Period
from support.tickets.sla import SYSTEM_ACTOR, describe, used_seconds
from support.tickets.storage import ROUTING_ACTOR
from support.tickets.storage import STATUSES
from support.tables import Table

def percentile(values: list[float], pct: float) -> float | None:
    """The ``pct`` percentile (nearest rank above, inclusive method) or None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def ticket_report(db: Store, settings: Settings, now: dt.datetime, titles: dict[str, str],
                  row_limit: int | None = None, period: Period | None = None) -> list[Table]:
    """Every table of the tickets report (aggregated in SQL: only counts and a few values reach Python).

    ``row_limit`` caps the one table whose length grows with the ticket count (knowledge gaps),
    for the page; the CSV and the API give every row. ``period`` keeps the tickets filed (and the
    suggestions, deflections and ratings made) within a range of days; all time without it.
    """
    period = period or Period()
    escalated = escalations(db, period)  # two tables show it, as they show the response times
    times = _response_secs(db, period)
    return [
        sla_compliance(db, settings, now, period),
        response_times(db, period, times),
        deflection(db, period),
        escalation(db, period, escalated),
        seeds_targets(db, period, escalated, times),
        backlog(db, period),
        top_articles(db, titles, period=period),
        knowledge_gaps(db, row_limit, period),
        *satisfaction.report(db, period.where),
    ]


def _met(ticket: dict[str, Any], secs: int | None, target: dt.timedelta, now: dt.datetime) -> bool | None:
    """True met, False breached, None still running within target."""
    limit = target.total_seconds()
    if secs is not None:
        return secs <= limit
    return False if used_seconds(ticket, now) > limit else None


def sla_compliance(db: Store, settings: Settings, now: dt.datetime, period: Period = Period()) -> Table:
    """Per priority: tickets whose first response and resolution met their targets (running clocks within target left out)."""
    table = Table("sla_compliance", "SLA compliance per priority",
                  ["priority", "tickets", "first_response_met", "first_response_breached", "first_response_compliance_pct",
                   "resolution_met", "resolution_breached", "resolution_compliance_pct"], chart="first_response_compliance_pct", unit="%")
    for priority in PRIORITIES:
        first_target, resolve_target = settings.sla_targets(priority)
        first_limit, resolve_limit = first_target.total_seconds(), resolve_target.total_seconds()
        first_met, first_late, n = _outcomes(db, "first_response_secs", priority, first_limit, period)
        resolve_met, resolve_late, _ = _outcomes(db, "resolution_secs", priority, resolve_limit, period)
        first = [True] * first_met + [False] * first_late
        resolve = [True] * resolve_met + [False] * resolve_late
        # clocks still running (no recorded time yet): breached once their used time passes the target
        for t in db.all("SELECT priority, created_at, paused_secs, paused_since, first_response_secs, resolution_secs FROM tickets WHERE id IN "
                        f"(SELECT id FROM tickets WHERE priority = :p AND first_response_secs IS NULL AND {period.where('created_at')} "
                        f"UNION ALL SELECT id FROM tickets WHERE priority = :p AND resolution_secs IS NULL AND {period.where('created_at')})",
                        {"p": priority}):
            if t["first_response_secs"] is None:
                first.append(_met(t, None, first_target, now))
            if t["resolution_secs"] is None:
                resolve.append(_met(t, None, resolve_target, now))
        table.rows.append([priority, n, *_compliance(first), *_compliance(resolve)])
    return table


def _outcomes(db: Store, column: str, priority: str, limit: float, period: Period) -> tuple[int, int, int]:
    """(met, breached, tickets) of a priority for one recorded time (read from the (priority, column) index)."""
    met, late, n = db.execute(
        f"SELECT count(*) FILTER (WHERE {column} <= ?), count(*) FILTER (WHERE {column} > ?), count(*) FROM tickets WHERE priority = ? "
        f"AND {period.where('created_at')}",
        [limit, limit, priority],
    ).fetchone()
    return met, late, n


def _compliance(outcomes: list[bool | None]) -> list[Any]:
    met, breached = outcomes.count(True), outcomes.count(False)
    return [met, breached, round(100 * met / (met + breached), 1) if met + breached else ""]


Secs = dict[str, tuple[list[int], list[int]]]
"""Per priority (and ``all``): the first-response and the resolution seconds recorded, each ascending."""


def _response_secs(db: Store, period: Period) -> Secs:
    by_priority = {p: (_sorted_secs(db, "first_response_secs", p, period), _sorted_secs(db, "resolution_secs", p, period)) for p in PRIORITIES}
    by_priority["all"] = tuple(sorted(v for p in PRIORITIES for v in by_priority[p][i]) for i in (0, 1))  # type: ignore[assignment]
    return by_priority


def response_times(db: Store, period: Period = Period(), times: Secs | None = None) -> Table:
    """Median and 90th percentile of first-response and resolution times (and resolution's 95th) per priority (SLA time, pauses excluded)."""
    table = Table("response_times", "First-response and resolution times",
                  ["priority", "responded", "first_response_median", "first_response_p90",
                   "resolved", "resolution_median", "resolution_p90", "resolution_p95"])
    by_priority = times or _response_secs(db, period)
    for priority in (*PRIORITIES, "all"):
        first, resolve = by_priority[priority]
        table.rows.append([priority, len(first), *_times(first), len(resolve), *_times(resolve), _time(percentile(resolve, 95))])
    return table


def _sorted_secs(db: Store, column: str, priority: str, period: Period) -> list[int]:
    """The recorded values of ``column`` for a priority, ascending (read in order from the (priority, column) index)."""
    cursor = db.execute(f"SELECT {column} FROM tickets WHERE priority = ? AND {column} IS NOT NULL AND {period.where('created_at')} "
                             f"ORDER BY {column}", [priority])
    return [row[0] for row in cursor]


def _time(value: float | None) -> str:
    return describe(int(value)) if value is not None else ""


def _times(values: list[int]) -> list[str]:
    return [describe(int(v)) if v is not None else "" for v in (percentile(values, 50), percentile(values, 90))]


def deflection(db: Store, period: Period = Period()) -> Table:
    """Ticket forms that showed suggestions, by what followed: deflected (and not filed), filed, or nothing."""
    forms = db.all(
        "SELECT form_id, max(CASE WHEN outcome = 'deflected' THEN 1 ELSE 0 END) AS deflected, max(CASE WHEN outcome = 'filed' THEN 1 ELSE 0 END) AS filed "
        f"FROM impressions WHERE {period.where('shown_at')} GROUP BY form_id"
    )
    deflected = sum(1 for f in forms if f["deflected"] and not f["filed"])
    filed = sum(1 for f in forms if f["filed"])
    nothing = len(forms) - deflected - filed
    clicks = db.one(f"SELECT count(*) AS n FROM deflections WHERE {period.where('at')}")["n"]
    rate = round(100 * deflected / (deflected + filed), 1) if deflected + filed else ""
    return Table("deflection", "Deflection", ["forms_with_suggestions", "deflected", "filed_anyway", "nothing", "answered_clicks", "deflection_rate_pct"],
                 [[len(forms), deflected, filed, nothing, clicks, rate]])


def escalation(db: Store, period: Period = Period(), row: dict[str, int] | None = None) -> Table:
    """Share of tickets escalated at least once, by the SLA monitor or by an agent raising the tier, beside the target."""
    row = row or escalations(db, period)
    return Table("escalation", f"Escalation (target: under {targets.ESCALATION_PCT:g} %)",
                 ["tickets", "escalated", "by_sla_monitor", "by_agents", "escalation_rate_pct", "target_pct"],
                 [[row["n"], row["escalated"], row["by_monitor"], row["by_agents"], _pct(row["escalated"], row["n"]),
                   targets.ESCALATION_PCT]])


def escalations(db: Store, period: Period = Period()) -> dict[str, int]:
    """Tickets, and those escalated: by the SLA monitor (``escalations``), by agents (a tier raised in the history), either."""
    # One pass over the history's tier changes, not a look-up per ticket (0.37 -> 0.11 s over 100,000 tickets).
    by_agents = ("SELECT DISTINCT ticket_id FROM history WHERE field = 'tier' AND actor NOT IN (?, ?) "
                 "AND CAST(new AS INTEGER) > CAST(old AS INTEGER)")
    return db.one(f"SELECT count(*) AS n, count(*) FILTER (WHERE t.escalations != 0 OR a.ticket_id IS NOT NULL) AS escalated, "
                  f"count(*) FILTER (WHERE t.escalations != 0) AS by_monitor, count(*) FILTER (WHERE a.ticket_id IS NOT NULL) AS by_agents "
                  f"FROM tickets t LEFT JOIN ({by_agents}) a ON a.ticket_id = t.id WHERE {period.where('t.created_at')}",
                  [SYSTEM_ACTOR, ROUTING_ACTOR])


def _pct(part: int, whole: int) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def seeds_targets(db: Store, period: Period = Period(), escalated: dict[str, int] | None = None, times: Secs | None = None) -> Table:
    """The seeds' three targets beside the figures: first response for standard issues, resolution for 95 %, escalation rate."""
    times = times or _response_secs(db, period)
    return targets.table(times[targets.STANDARD_PRIORITY][0], times["all"][1], escalated or escalations(db, period))


def backlog(db: Store, period: Period = Period()) -> Table:
    """Tickets by priority and status, with the open backlog (new, open, pending) per priority."""
    table = Table("backlog", "Backlog by priority and status", ["priority", *STATUSES, "backlog"], chart="backlog")
    found = {(r[0], r[1]): r[2] for r in db.execute(
        f"SELECT priority, status, count(*) FROM tickets WHERE {period.where('created_at')} GROUP BY priority, status")}
    for priority in PRIORITIES:
        counts = [found.get((priority, s), 0) for s in STATUSES]
        table.rows.append([priority, *counts, sum(counts[:3])])
    return table


def top_articles(db: Store, titles: dict[str, str], limit: int = 10, period: Period = Period()) -> Table:
    """Articles linked to the most tickets, with their deflections."""
    # All time needs no ticket row: the join reads one per link (0.43 -> 0.01 s over 100,000 tickets, in-process).
    tickets = "" if period.is_open else f"JOIN tickets t ON t.id = ta.ticket_id WHERE {period.where('t.created_at')}"
    rows = db.all(
        "SELECT top.*, (SELECT count(*) FROM deflections d WHERE d.article_id = top.article_id "
        f"AND {period.where('d.at')}) AS deflections FROM (SELECT article_id, count(*) AS tickets FROM ticket_articles ta "
        f"{tickets} GROUP BY article_id ORDER BY tickets DESC, article_id LIMIT ?) top ORDER BY tickets DESC, article_id",
        [limit],
    )
    return Table("top_articles", "Articles behind the most tickets", ["article_id", "title", "tickets", "deflections"],
                 [[r["article_id"], titles.get(r["article_id"], ""), r["tickets"], r["deflections"]] for r in rows], chart="tickets",
                 label="title")


def knowledge_gaps(db: Store, limit: int | None = None, period: Period = Period()) -> Table:
    """Tickets with no linked article, newest first: what the KB does not cover yet."""
    columns = ["id", "subject", "category", "priority", "status", "page_title", "created_at"]
    where = f"FROM tickets t WHERE {period.where('t.created_at')} AND NOT EXISTS (SELECT 1 FROM ticket_articles ta WHERE ta.ticket_id = t.id)"
    cursor = db.execute(f"SELECT {', '.join(columns)} {where} ORDER BY id DESC LIMIT ?", [2**62 if limit is None else limit])
    table = Table("knowledge_gaps", "Tickets with no article", columns, [list(r) for r in cursor])
    if limit is not None and len(table.rows) == limit:
        table.total = db.execute(f"SELECT count(*) {where}").fetchone()[0]
    return table

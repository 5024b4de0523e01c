"""Ticket reports: SLA compliance, response times, deflection, escalation, backlog, knowledge gaps.

Each report is a list of ``Table``s, so the page, the CSV export and ``portal report tickets``
share one computation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from dataclasses import dataclass, field
from typing import Any

from support.database import Store
from support.settings import PRIORITIES, Settings
from support.sla import describe, used_seconds
from support.storage import STATUSES


@dataclass
class Table:
    """A named table of a report; ``chart`` names the column drawn as bars (if any)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: str | None = None
    unit: str = ""

    def to_csv(self) -> str:
        """The table as CSV text with a header row."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def percentile(values: list[float], pct: float) -> float | None:
    """The ``pct`` percentile (nearest rank above, inclusive method) or None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def ticket_report(db: Store, settings: Settings, now: dt.datetime, titles: dict[str, str]) -> list[Table]:
    """Every table of the tickets report."""
    tickets = db.all("SELECT * FROM tickets")
    return [
        sla_compliance(tickets, settings, now),
        response_times(tickets),
        deflection(db),
        escalation(tickets),
        backlog(tickets),
        top_articles(db, titles),
        knowledge_gaps(db),
    ]


def _met(ticket: dict[str, Any], secs: int | None, target: dt.timedelta, now: dt.datetime) -> bool | None:
    """True met, False breached, None still running within target."""
    limit = target.total_seconds()
    if secs is not None:
        return secs <= limit
    return False if used_seconds(ticket, now) > limit else None


def sla_compliance(tickets: list[dict[str, Any]], settings: Settings, now: dt.datetime) -> Table:
    """Per priority: tickets whose first response and resolution met their targets (running clocks within target left out)."""
    table = Table("sla_compliance", "SLA compliance per priority",
                  ["priority", "tickets", "first_response_met", "first_response_breached", "first_response_compliance_pct",
                   "resolution_met", "resolution_breached", "resolution_compliance_pct"], chart="first_response_compliance_pct", unit="%")
    for priority in PRIORITIES:
        rows = [t for t in tickets if t["priority"] == priority]
        first_target, resolve_target = settings.sla_targets(priority)
        first = [_met(t, t["first_response_secs"], first_target, now) for t in rows]
        resolve = [_met(t, t["resolution_secs"], resolve_target, now) for t in rows]
        table.rows.append([priority, len(rows), *_compliance(first), *_compliance(resolve)])
    return table


def _compliance(outcomes: list[bool | None]) -> list[Any]:
    met, breached = outcomes.count(True), outcomes.count(False)
    return [met, breached, round(100 * met / (met + breached), 1) if met + breached else ""]


def response_times(tickets: list[dict[str, Any]]) -> Table:
    """Median and 90th percentile of first-response and resolution times per priority (SLA time, pauses excluded)."""
    table = Table("response_times", "First-response and resolution times",
                  ["priority", "responded", "first_response_median", "first_response_p90",
                   "resolved", "resolution_median", "resolution_p90"])
    for priority in (*PRIORITIES, "all"):
        rows = [t for t in tickets if priority in ("all", t["priority"])]
        first = [t["first_response_secs"] for t in rows if t["first_response_secs"] is not None]
        resolve = [t["resolution_secs"] for t in rows if t["resolution_secs"] is not None]
        table.rows.append([priority, len(first), *_times(first), len(resolve), *_times(resolve)])
    return table


def _times(values: list[int]) -> list[str]:
    return [describe(int(v)) if v is not None else "" for v in (percentile(values, 50), percentile(values, 90))]


def deflection(db: Store) -> Table:
    """Ticket forms that showed suggestions, by what followed: deflected (and not filed), filed, or nothing."""
    forms = db.all(
        "SELECT form_id, max(outcome = 'deflected') AS deflected, max(outcome = 'filed') AS filed FROM impressions GROUP BY form_id"
    )
    deflected = sum(1 for f in forms if f["deflected"] and not f["filed"])
    filed = sum(1 for f in forms if f["filed"])
    nothing = len(forms) - deflected - filed
    clicks = db.one("SELECT count(*) AS n FROM deflections")["n"]
    rate = round(100 * deflected / (deflected + filed), 1) if deflected + filed else ""
    return Table("deflection", "Deflection", ["forms_with_suggestions", "deflected", "filed_anyway", "nothing", "answered_clicks", "deflection_rate_pct"],
                 [[len(forms), deflected, filed, nothing, clicks, rate]])


def escalation(tickets: list[dict[str, Any]]) -> Table:
    """Share of tickets escalated at least once by the SLA monitor."""
    escalated = sum(1 for t in tickets if t["escalations"])
    rate = round(100 * escalated / len(tickets), 1) if tickets else ""
    return Table("escalation", "Escalation", ["tickets", "escalated", "escalation_rate_pct"], [[len(tickets), escalated, rate]])


def backlog(tickets: list[dict[str, Any]]) -> Table:
    """Tickets by priority and status, with the open backlog (new, open, pending) per priority."""
    table = Table("backlog", "Backlog by priority and status", ["priority", *STATUSES, "backlog"], chart="backlog")
    for priority in PRIORITIES:
        counts = [sum(1 for t in tickets if t["priority"] == priority and t["status"] == s) for s in STATUSES]
        table.rows.append([priority, *counts, sum(counts[:3])])
    return table


def top_articles(db: Store, titles: dict[str, str], limit: int = 10) -> Table:
    """Articles linked to the most tickets, with their deflections."""
    rows = db.all(
        "SELECT article_id, count(*) AS tickets, (SELECT count(*) FROM deflections d WHERE d.article_id = ta.article_id) AS deflections "
        "FROM ticket_articles ta GROUP BY article_id ORDER BY tickets DESC, article_id LIMIT ?",
        [limit],
    )
    return Table("top_articles", "Articles behind the most tickets", ["article_id", "title", "tickets", "deflections"],
                 [[r["article_id"], titles.get(r["article_id"], ""), r["tickets"], r["deflections"]] for r in rows], chart="tickets")


def knowledge_gaps(db: Store) -> Table:
    """Tickets with no linked article: what the KB does not cover yet."""
    rows = db.all(
        "SELECT id, subject, category, priority, status, page_title, created_at FROM tickets "
        "WHERE id NOT IN (SELECT ticket_id FROM ticket_articles) ORDER BY id DESC"
    )
    columns = ["id", "subject", "category", "priority", "status", "page_title", "created_at"]
    return Table("knowledge_gaps", "Tickets with no article", columns, [[r[c] for c in columns] for r in rows])

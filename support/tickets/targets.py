"""The seeds' targets for the ticket desk, stated beside the figures of the ticket report.

- first response under 2 hours for standard issues (priority P3, the default): met when the median is;
- resolution under 24 hours for 95 % of issues: met when the 95th percentile of resolution times is;
- escalation rate under 15 %, counting escalations by the SLA monitor and by agents (a tier raised by hand).
"""

from __future__ import annotations

import statistics

from support.tables import Table
from support.tickets.sla import describe

STANDARD_PRIORITY = "P3"
FIRST_RESPONSE_SECS = 2 * 3600
RESOLUTION_SECS = 24 * 3600
RESOLUTION_SHARE_PCT = 95
ESCALATION_PCT = 15.0
COLUMNS = ["target", "figure", "share_within_target_pct", "tickets", "meets_target"]


def table(first: list[int], resolve: list[int], escalated: dict[str, int]) -> Table:
    """The targets table from standard issues' first-response seconds, all resolution seconds and the escalation counts."""
    rows = [
        ["first response under 2 h for standard issues (P3), median", _median(first), _share(first, FIRST_RESPONSE_SECS),
         len(first), _verdict(_quantile(first, 50), FIRST_RESPONSE_SECS)],
        ["resolution under 24 h for 95 % of issues, 95th percentile", _p95(resolve), _share(resolve, RESOLUTION_SECS),
         len(resolve), _verdict(_quantile(resolve, RESOLUTION_SHARE_PCT), RESOLUTION_SECS)],
        _escalation_row(escalated),
    ]
    return Table("targets", "The seeds' targets", COLUMNS, rows)


def _escalation_row(escalated: dict[str, int]) -> list[object]:
    n, count = escalated["n"], escalated["escalated"]
    rate = round(100 * count / n, 1) if n else None
    verdict = "" if rate is None else ("yes" if rate < ESCALATION_PCT else "no")
    return [f"escalation rate under {ESCALATION_PCT:g} % (SLA monitor and agents)", "" if rate is None else f"{rate} %", "", n, verdict]


def _quantile(values: list[int], pct: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _median(values: list[int]) -> str:
    found = _quantile(values, 50)
    return describe(int(found)) if found is not None else ""


def _p95(values: list[int]) -> str:
    found = _quantile(values, RESOLUTION_SHARE_PCT)
    return describe(int(found)) if found is not None else ""


def _share(values: list[int], limit: int) -> float | str:
    return round(100 * sum(1 for v in values if v <= limit) / len(values), 1) if values else ""


def _verdict(value: float | None, limit: int) -> str:
    return "" if value is None else ("yes" if value < limit else "no")

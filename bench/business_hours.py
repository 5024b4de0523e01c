"""Bench row: SLA state of open tickets counted in business hours (issue 17, item 5), in-process."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from bench.report import Figure

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "business-hours" / "business-hours.yml"


def sla_state_in_business_hours(tickets: int = 20_000) -> Figure:
    """``sla.ticket_state`` of P3 tickets open up to 30 days under the example's office calendar, one core."""
    from support.settings import load_settings
    from support.tickets import business_hours, sla

    settings = load_settings(business_hours_file=EXAMPLE)
    source = business_hours.HoursSource(EXAMPLE, "UTC", check_seconds=3600)
    business_hours.install(source)
    now, rng, times = dt.datetime(2026, 12, 15, 10, 0, tzinfo=dt.UTC), random.Random(5), []
    try:
        for _ in range(tickets):
            filed = now - dt.timedelta(seconds=rng.randint(0, 30 * 86400))
            ticket = {"priority": "P3", "created_at": filed.isoformat(), "paused_secs": 0, "paused_since": None, "status": "open",
                      "first_response_secs": None, "resolution_secs": None}
            started = time.perf_counter()
            sla.ticket_state(ticket, settings, now)
            times.append(time.perf_counter() - started)
    finally:
        business_hours.install(business_hours.HoursSource(None))
    times.sort()
    return Figure("backend", "SLA state in business hours in-process (P3, office calendar, open up to 30 days)",
                  round(tickets / sum(times)), "per s", ">=", 5000,
                  detail={"p50_ms": round(1000 * times[len(times) // 2], 3), "p99_ms": round(1000 * times[int(len(times) * 0.99)], 3)})

"""SLA clocks: first response and resolution targets per priority, paused while a ticket waits.

A clock's used time is wall time since filing minus time spent pending, resolved or closed. A
running clock is *at risk* when what remains is under ``min(sla_warning_window,
sla_warning_fraction * target)`` and *breached* below zero. ``sweep`` recomputes every active
ticket and escalates one tier (max 3) each time a ticket's level rises, recording it in history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from support.clock import iso, parse
from support.database import Store
from support.settings import Settings

OK, AT_RISK, BREACHED = 0, 1, 2
LEVEL_NAMES = {OK: "on track", AT_RISK: "at risk", BREACHED: "breached"}
PAUSED = ("pending", "resolved", "closed")
SYSTEM_ACTOR = "SLA monitor"


@dataclass(frozen=True)
class SlaClock:
    """One target of one ticket."""

    name: str
    target: int
    used: int
    done: bool
    level: int

    @property
    def remaining(self) -> int:
        """Seconds left (negative once breached)."""
        return self.target - self.used


def used_seconds(ticket: dict[str, Any], now: dt.datetime) -> int:
    """Seconds the ticket's clocks have run: since filing, minus paused time."""
    total = (now - parse(ticket["created_at"])).total_seconds() - ticket["paused_secs"]
    if ticket["paused_since"]:
        total -= (now - parse(ticket["paused_since"])).total_seconds()
    return max(0, int(total))


def clocks(ticket: dict[str, Any], settings: Settings, now: dt.datetime) -> list[SlaClock]:
    """The first-response and resolution clocks of a ticket at ``now``."""
    first_target, resolve_target = (int(t.total_seconds()) for t in settings.sla_targets(ticket["priority"]))
    used = used_seconds(ticket, now)
    responded = ticket["first_response_secs"] is not None
    resolved = ticket["status"] in ("resolved", "closed") and ticket["resolution_secs"] is not None
    first_used = ticket["first_response_secs"] if responded else used
    resolve_used = ticket["resolution_secs"] if resolved else used
    return [
        SlaClock("first response", first_target, first_used, responded, level(first_target, first_used, responded, settings)),
        SlaClock("resolution", resolve_target, resolve_used, resolved, level(resolve_target, resolve_used, resolved, settings)),
    ]


def level(target: int, used: int, done: bool, settings: Settings) -> int:
    """OK, AT_RISK or BREACHED for one clock (a stopped clock is never at risk)."""
    remaining = target - used
    if remaining < 0:
        return BREACHED
    warn = min(settings.sla_warning_window.total_seconds(), settings.sla_warning_fraction * target)
    return AT_RISK if not done and remaining <= warn else OK


def ticket_level(ticket: dict[str, Any], settings: Settings, now: dt.datetime) -> tuple[int, str | None]:
    """The worst level among running clocks, and when the next running clock falls due (None if paused)."""
    running = [c for c in clocks(ticket, settings, now) if not c.done]
    if not running:
        return OK, None
    worst = max(c.level for c in running)
    if ticket["status"] in PAUSED:
        return worst, None
    nearest = min(c.remaining for c in running)
    return worst, iso(now + dt.timedelta(seconds=nearest))


def sweep(db: Store, settings: Settings, now: dt.datetime) -> list[int]:
    """Refresh SLA level and due time of every unfinished ticket; escalate those whose level rose. Returns their ids."""
    escalated = []
    for ticket in db.all("SELECT * FROM tickets WHERE status IN ('new', 'open', 'pending')"):
        new_level, due = ticket_level(ticket, settings, now)
        if new_level == ticket["sla_level"] and due == ticket["sla_due_at"]:
            continue
        with db.tx():  # compare-and-set: a concurrent sweep that got here first wins, no double escalation
            cursor = db.execute(
                "UPDATE tickets SET sla_level = ?, sla_due_at = ? WHERE id = ? AND sla_level = ?",
                [new_level, due, ticket["id"], ticket["sla_level"]],
            )
            if cursor.rowcount == 1 and new_level > ticket["sla_level"]:
                escalate(db, db.one("SELECT * FROM tickets WHERE id = ?", [ticket["id"]]), new_level, settings, now)
                escalated.append(ticket["id"])
    return escalated


def escalate(db: Store, ticket: dict[str, Any], new_level: int, settings: Settings, now: dt.datetime) -> None:
    """Raise the tier by one (at most 3) and record why in the ticket's history."""
    which = [c.name for c in clocks(ticket, settings, now) if not c.done and c.level == new_level]
    note = f"SLA {' and '.join(which)} {LEVEL_NAMES[new_level]}"
    tier = min(3, ticket["tier"] + 1)
    db.execute(
        "UPDATE tickets SET tier = ?, escalations = escalations + 1, updated_at = ? WHERE id = ?",
        [tier, iso(now), ticket["id"]],
    )
    db.execute(
        "INSERT INTO history (ticket_id, actor, field, old, new, note, at) VALUES (?, ?, 'tier', ?, ?, ?, ?)",
        [ticket["id"], SYSTEM_ACTOR, str(ticket["tier"]), str(tier), f"{note}: escalated", iso(now)],
    )


def describe(seconds: int) -> str:
    """A short human duration: ``45 min``, ``3 h 20 min``, ``2 d 4 h`` (negative as ``overdue``)."""
    sign, seconds = ("overdue by " if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes} min"
    return f"{sign}{minutes} min"

"""SLA clocks: first response and resolution targets per priority, paused while a ticket waits.

A clock's used time is the working time of the priority's business-hours calendar (``business_hours``;
round the clock by default) since filing, minus the working time spent pending, resolved or closed. A
running clock is *at risk* when what remains is under ``min(sla_warning_window,
sla_warning_fraction * target)`` and *breached* below zero. ``sweep`` recomputes every active
ticket and escalates one tier (max 3) each time a ticket's level rises, recording it in history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

OnRise = Callable[[dict[str, Any], int, list[str]], None]  # (ticket after escalation, new level, the clocks concerned)

from support.clock import iso, parse
from support.db.store import Store
from support.tickets import business_hours
from support.settings import Settings

OK, AT_RISK, BREACHED = 0, 1, 2
LEVEL_NAMES = {OK: "on track", AT_RISK: "at risk", BREACHED: "breached"}
PAUSED = ("pending", "resolved", "closed")
SYSTEM_ACTOR = "SLA monitor"
NEVER = "9999-12-31T00:00:00+00:00"
SWEEP_BATCH = 200  # tickets per write transaction: one commit each, short enough not to hold up filing  # sla_check_at of a ticket whose level cannot rise until something changes


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
    """Seconds the ticket's clocks have run: working time of its priority's calendar since filing, minus paused time."""
    calendar = business_hours.calendar_for(ticket["priority"])
    total = calendar.working_seconds(parse(ticket["created_at"]), now) - ticket["paused_secs"]
    if ticket["paused_since"]:
        total -= calendar.working_seconds(parse(ticket["paused_since"]), now)
    return max(0, int(total))


def paused_seconds(ticket: dict[str, Any], now: dt.datetime) -> int:
    """Working seconds a paused ticket has waited since ``paused_since`` (what its clocks leave out)."""
    return business_hours.calendar_for(ticket["priority"]).working_seconds(parse(ticket["paused_since"]), now)


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


def ticket_state(ticket: dict[str, Any], settings: Settings, now: dt.datetime) -> tuple[int, str | None, str]:
    """The worst level among running clocks, when the next running clock falls due (None if paused), and when the
    level may next rise (``NEVER`` while paused or once every running clock is breached)."""
    running = [c for c in clocks(ticket, settings, now) if not c.done]
    if not running:
        return OK, None, NEVER
    worst = max(c.level for c in running)
    if ticket["status"] in PAUSED:
        return worst, None, NEVER
    nearest = min(c.remaining for c in running)
    changes = [_next_change(c, settings) for c in running if c.level < BREACHED]
    calendar = business_hours.calendar_for(ticket["priority"])
    check = iso(calendar.add(now, min(changes))) if changes else NEVER
    due = calendar.add(now, nearest) if nearest > 0 else now + dt.timedelta(seconds=nearest)
    return worst, iso(due), check


def _next_change(clock: SlaClock, settings: Settings) -> int:
    """Seconds from now until a running clock's level rises (to at risk, or to breached)."""
    if clock.level == AT_RISK:
        return clock.remaining + 1
    warn = min(settings.sla_warning_window.total_seconds(), settings.sla_warning_fraction * clock.target)
    return max(1, int(clock.remaining - warn))


def sweep(db: Store, settings: Settings, now: dt.datetime, on_rise: OnRise | None = None) -> list[int]:
    """Refresh SLA level and due time of unfinished tickets; escalate those whose level rose. Returns their ids.

    Only tickets whose level may have changed are read: ``sla_check_at`` holds when each one's
    level next rises, and every change to a ticket (or a restart with other settings) sets it to
    ``''`` so the next sweep recomputes it. A sweep over 100,000 stored tickets reads the few that
    are due instead of every open one, so queue loads can afford to sweep first.

    ``on_rise`` is called for each escalated ticket inside the transaction that escalates it.
    """
    escalated = []
    source = business_hours.active()
    source.current()
    if source.applied != source.generation:  # other calendars: every stored due and check time may be wrong
        recheck_all(db)
        source.applied = source.generation
    rows = db.all("SELECT * FROM tickets WHERE status IN ('new', 'open', 'pending') AND sla_check_at <= ?", [iso(now)])
    for start in range(0, len(rows), SWEEP_BATCH):
        with db.tx():
            escalated += _sweep_batch(db, rows[start:start + SWEEP_BATCH], settings, now, on_rise)
    return escalated


def _sweep_batch(db: Store, rows: list[dict[str, Any]], settings: Settings, now: dt.datetime, on_rise: OnRise | None) -> list[int]:
    """Recompute each ticket (inside the caller's transaction); the ids of those escalated.

    Each update is a compare-and-set on the level and check time read: a concurrent sweep or
    change that got there first wins, so a ticket is never escalated twice for one level.
    """
    escalated = []
    for ticket in rows:
        new_level, due, check = ticket_state(ticket, settings, now)
        cursor = db.execute(
            "UPDATE tickets SET sla_level = ?, sla_due_at = ?, sla_check_at = ? WHERE id = ? AND sla_level = ? AND sla_check_at = ?",
            [new_level, due, check, ticket["id"], ticket["sla_level"], ticket["sla_check_at"]],
        )
        if cursor.rowcount == 1 and new_level > ticket["sla_level"]:
            which = escalate(db, db.one("SELECT * FROM tickets WHERE id = ?", [ticket["id"]]), new_level, settings, now)
            escalated.append(ticket["id"])
            if on_rise:
                on_rise(db.one("SELECT * FROM tickets WHERE id = ?", [ticket["id"]]), new_level, which)
    return escalated


def recheck_all(db: Store) -> int:
    """Mark every unfinished ticket for the next sweep (at start-up: the SLA settings may have changed)."""
    with db.tx():
        return db.execute("UPDATE tickets SET sla_check_at = '' WHERE status IN ('new', 'open', 'pending') AND sla_check_at != ''").rowcount


def escalate(db: Store, ticket: dict[str, Any], new_level: int, settings: Settings, now: dt.datetime) -> list[str]:
    """Raise the tier by one (at most 3) and record why in the ticket's history; the clocks concerned."""
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
    return which


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

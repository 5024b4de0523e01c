"""Alerts in: Prometheus Alertmanager's webhook turned into tickets, one ticket per alert group.

The first "firing" notification of a group files a ticket (severity label -> priority; a ``runbook`` label naming a
KB page links it, a ``runbook_url`` annotation is quoted); a group firing again adds to that ticket (reopening it
if it was resolved); "resolved" adds an internal note and, with ``PORTAL_ALERT_RESOLVES``, resolves the ticket.
A group whose ticket was closed opens a new one.
"""

from __future__ import annotations

import datetime as dt
from support.clock import iso
from support.db.store import Store
from support.tickets.schemas import Notification

SEVERITY_PRIORITY = {"critical": "P1", "page": "P1", "high": "P2", "error": "P2", "major": "P2",
                     "warning": "P3", "minor": "P3", "info": "P4", "none": "P4"}
SENDER = "Alertmanager"
SENDER_EMAIL = "alertmanager@alerts.invalid"


def priority(note: Notification) -> str:
    """The priority the group's severity label maps to (P3 when there is none or it is unknown)."""
    severity = note.commonLabels.get("severity") or next((a.labels.get("severity") for a in note.alerts if a.labels.get("severity")), "")
    return SEVERITY_PRIORITY.get(severity.lower(), "P3")


def subject(note: Notification) -> str:
    """``[FIRING] HighTemperature: the summary`` (at most 200 characters)."""
    name = note.commonLabels.get("alertname") or note.groupLabels.get("alertname") or "alert"
    summary = note.commonAnnotations.get("summary", "")
    return f"[{note.status.upper()}] {name}" + (f": {summary}" if summary else "")[:200 - len(name) - 11]


def runbook_url(note: Notification) -> str:
    """The ``runbook_url`` annotation of the group or of its first alert that has one."""
    return note.commonAnnotations.get("runbook_url") or next((a.annotations["runbook_url"] for a in note.alerts if "runbook_url" in a.annotations), "")


def runbook_id(note: Notification) -> str:
    """The ``runbook`` label (a KB page id) of the group or of its first alert that has one."""
    return note.commonLabels.get("runbook") or next((a.labels["runbook"] for a in note.alerts if "runbook" in a.labels), "")


def describe(note: Notification) -> str:
    """The notification as text: the group, each alert's labels, annotations and times, the runbook and links."""
    lines = [f"Alertmanager: {note.status}, {len(note.alerts)} alert(s) in group {note.groupKey}"]
    if runbook_url(note):
        lines.append(f"Runbook: {runbook_url(note)}")
    for alert in note.alerts[:50]:
        labels = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
        lines.append(f"\n- {alert.status}: {labels}")
        lines += [f"  {k}: {v}" for k, v in sorted(alert.annotations.items())]
        lines.append(f"  since {alert.startsAt}" + (f", ended {alert.endsAt}" if alert.status == "resolved" else ""))
        if alert.generatorURL:
            lines.append(f"  source: {alert.generatorURL}")
    if note.truncatedAlerts or len(note.alerts) > 50:
        lines.append(f"\n(and {note.truncatedAlerts + max(0, len(note.alerts) - 50)} more alerts)")
    if note.externalURL:
        lines.append(f"\nAlertmanager: {note.externalURL}")
    return "\n".join(lines)[:20000]


def ticket_of_group(db: Store, group_key: str) -> int | None:
    """The ticket an alert group opened, if any."""
    row = db.one("SELECT ticket_id FROM alert_groups WHERE group_key = ?", [group_key])
    return row["ticket_id"] if row else None


def remember(db: Store, group_key: str, ticket_id: int, now: dt.datetime) -> None:
    """Record (or move) the ticket of an alert group."""
    db.execute("INSERT INTO alert_groups (group_key, ticket_id, updated_at) VALUES (?, ?, ?) "
               "ON CONFLICT (group_key) DO UPDATE SET ticket_id = excluded.ticket_id, updated_at = excluded.updated_at",
               [group_key, ticket_id, iso(now)])

"""Generic events in: any monitoring or build system posts one JSON event (``schemas.Event``) per occurrence.

Events sharing a ``dedup_key`` share one ticket, as an Alertmanager group does (``alerts``): the first firing
event opens it, a repeat adds to it, ``resolved`` adds an internal note (and resolves it with
``PORTAL_ALERT_RESOLVES``). Their keys are stored beside the alert groups', prefixed so the two never meet.
"""

from __future__ import annotations

from support.tickets.alerts import SEVERITY_PRIORITY
from support.tickets.schemas import Event

KEY_PREFIX = "event:"
SENDER_EMAIL = "events@alerts.invalid"


def group_key(event: Event) -> str:
    """The key of the event's ticket among the alert groups' (``event:<dedup_key>``)."""
    return KEY_PREFIX + event.dedup_key


def sender(event: Event) -> str:
    """Who the ticket and its messages are from: the event's ``source``, or "Webhook"."""
    return event.source or "Webhook"


def priority(event: Event) -> str:
    """The event's ``priority``, else what its ``severity`` maps to (as Alertmanager's label does), else P3."""
    return event.priority or SEVERITY_PRIORITY.get(event.severity.lower(), "P3")


def subject(event: Event) -> str:
    """``[FIRING] the summary`` (at most 200 characters)."""
    return f"[{event.status.upper()}] {event.summary}"[:200]


def describe(event: Event) -> str:
    """The event as text: status, source, severity, the runbook, links and each detail."""
    lines = [f"Event {event.dedup_key}: {event.status}" + (f" from {event.source}" if event.source else "")]
    if event.summary:
        lines.append(event.summary)
    if event.severity:
        lines.append(f"Severity: {event.severity}")
    if event.runbook_url:
        lines.append(f"Runbook: {event.runbook_url}")
    if event.occurred_at:
        lines.append(f"At: {event.occurred_at}")
    lines += [f"  {key}: {value}" for key, value in sorted(event.details.items())]
    lines += [f"Link: {link}" for link in event.links]
    return "\n".join(lines)[:20000]

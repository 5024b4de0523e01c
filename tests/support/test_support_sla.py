"""SLA clocks with the injectable clock: at-risk and breach flags, escalation recorded, pending time excluded."""

from __future__ import annotations

import time
from pathlib import Path

from support_harness import Browser, Live, start_server, stop_server


def sweep_and_get(agent: Browser, ticket_id: int) -> dict:
    """Load the queue (which runs the SLA sweep) and return the ticket as the API shows it."""
    assert agent.get("/support/queue").status_code == 200
    return agent.get(f"/api/tickets/{ticket_id}").json()


def queue_ids(agent: Browser, **filters: str) -> set[int]:
    """Ids of the tickets the queue API lists for the given filters."""
    return {t["id"] for t in agent.get("/api/tickets", params=filters).json()["tickets"]}


def test_p1_first_response_escalates_when_at_risk_and_again_when_breached(live: Live, agent: Browser) -> None:
    """A P1 ticket unanswered for 46 min is at risk (tier 2), after 61 min breached (tier 3); both are in the history."""
    ticket_id = live.file(priority="P1")["ticket"]["id"]
    live.clock.advance(minutes=44)
    assert sweep_and_get(agent, ticket_id)["tier"] == 1
    live.clock.advance(minutes=2)
    at_risk = sweep_and_get(agent, ticket_id)
    assert (at_risk["tier"], at_risk["sla_level"]) == (2, 1)
    assert ticket_id in queue_ids(agent, sla="due_soon") and ticket_id not in queue_ids(agent, sla="breached")
    live.clock.advance(minutes=15)
    breached = sweep_and_get(agent, ticket_id)
    assert (breached["tier"], breached["sla_level"], breached["escalations"]) == (3, 2, 2)
    assert ticket_id in queue_ids(agent, sla="breached")
    notes = [(h["actor"], h["old"], h["new"], h["note"]) for h in breached["history"] if h["field"] == "tier"]
    assert notes == [
        ("SLA monitor", "1", "2", "SLA first response at risk: escalated"),
        ("SLA monitor", "2", "3", "SLA first response breached: escalated"),
    ]


def test_repeated_sweeps_escalate_only_once_per_level(live: Live, agent: Browser) -> None:
    """Loading the queue many times after a breach does not escalate again."""
    ticket_id = live.file(priority="P2")["ticket"]["id"]
    live.clock.advance(hours=5)
    for _ in range(3):
        ticket = sweep_and_get(agent, ticket_id)
    assert ticket["escalations"] == 1 and ticket["tier"] == 2


def test_time_spent_pending_does_not_count(live: Live, agent: Browser) -> None:
    """A P3 ticket pending for five days is not breached: its resolution clock paused while it waited."""
    ticket_id = live.file(priority="P3")["ticket"]["id"]
    live.clock.advance(hours=1)
    agent.api("POST", f"/api/tickets/{ticket_id}/messages", {"body": "Which station?"})
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "pending"})
    live.clock.advance(days=5)
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "open"})
    live.clock.advance(hours=2)
    ticket = sweep_and_get(agent, ticket_id)
    assert (ticket["sla_level"], ticket["escalations"]) == (0, 0)
    row = live.app.state.store.one("SELECT first_response_secs, paused_secs FROM tickets WHERE id = ?", [ticket_id])
    assert row == {"first_response_secs": 3600, "paused_secs": 5 * 86400}


def test_resolution_time_excludes_pending_and_feeds_the_report(live: Live, agent: Browser) -> None:
    """Resolution time is measured without pending time, and the report shows P3 compliance and medians."""
    ticket_id = live.file(priority="P3")["ticket"]["id"]
    live.clock.advance(hours=2)
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "pending"})
    live.clock.advance(days=4)
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "open"})
    live.clock.advance(hours=1)
    agent.api("POST", f"/api/tickets/{ticket_id}/messages", {"body": "Fixed by resetting the sensor."})
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "resolved"})
    report = agent.get("/api/reports/tickets").json()
    p3 = dict(zip(report["sla_compliance"]["columns"], report["sla_compliance"]["rows"][2]))
    assert (p3["resolution_met"], p3["resolution_breached"], p3["resolution_compliance_pct"]) == (1, 0, 100.0)
    times = dict(zip(report["response_times"]["columns"], report["response_times"]["rows"][2]))
    assert times["resolution_median"] == "3 h 0 min" and times["first_response_median"] == "3 h 0 min"


def test_background_sweep_escalates_without_anyone_loading_the_queue(tmp_path: Path) -> None:
    """With ``sla_sweep_seconds`` set, the server's own task flags and escalates breached tickets."""
    server, thread, live = start_server(tmp_path, sla_sweep_seconds=1)
    try:
        ticket_id = live.file(priority="P1")["ticket"]["id"]
        live.clock.advance(hours=2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            row = live.app.state.store.one("SELECT sla_level, escalations FROM tickets WHERE id = ?", [ticket_id])
            if row["sla_level"] == 2:
                break
            time.sleep(0.1)
        assert row == {"sla_level": 2, "escalations": 1}
    finally:
        stop_server(server, thread, live)


def test_sweep_reads_only_tickets_whose_level_may_have_changed(live: Live, agent: Browser) -> None:
    """After a sweep each open ticket waits for its next threshold (``sla_check_at``); a change marks it for the next sweep."""
    from support.tickets import sla

    store, settings = live.app.state.store, live.app.state.settings
    p1 = live.file(priority="P1")["ticket"]["id"]
    p4 = live.file(priority="P4")["ticket"]["id"]
    sweep_and_get(agent, p1)
    check = {r["id"]: r["sla_check_at"] for r in store.all("SELECT id, sla_check_at FROM tickets WHERE id IN (?, ?)", [p1, p4])}
    assert check[p1] == "2026-11-23T08:45:00+00:00"  # filed at 08:00: P1 first response (1 h) at risk 15 min before
    due = store.all("SELECT id FROM tickets WHERE status IN ('new', 'open', 'pending') AND sla_check_at <= ?", ["2026-11-23T08:30:00+00:00"])
    assert due == []  # nothing to read half an hour later
    live.clock.advance(minutes=46)
    assert sla.sweep(store, settings, live.clock()) == [p1]
    agent.api("PATCH", f"/api/tickets/{p4}", {"priority": "P1"})
    assert store.one("SELECT sla_check_at FROM tickets WHERE id = ?", [p4])["sla_check_at"] == ""
    assert sla.sweep(store, settings, live.clock()) == [p4]  # filed 46 min ago: a P1 now, so at risk at once

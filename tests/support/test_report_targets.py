"""The ticket report states the seeds' targets beside its figures, escalations by agents counted with the SLA monitor's."""

from __future__ import annotations

from support_harness import Browser, Live


def test_the_ticket_report_states_the_three_targets_beside_the_figures(live: Live, agent: Browser) -> None:
    """Standard issues' median first response, the 95th percentile of resolution, and escalations by agent and monitor."""
    a, b, c = (live.file(priority="P3")["ticket"]["id"] for _ in range(3))
    live.file(priority="P1")["ticket"]["id"]
    live.clock.advance(hours=1)
    for ticket_id in (a, b):
        agent.api("POST", f"/api/tickets/{ticket_id}/messages", {"body": "Looking at it now."})
    live.clock.advance(hours=2)
    agent.api("POST", f"/api/tickets/{c}/messages", {"body": "Looking at it now."})
    assert agent.api("PATCH", f"/api/tickets/{c}", {"tier": 2}).status_code == 200  # an agent escalates by hand
    assert agent.get("/support/queue").status_code == 200  # the sweep: the P1 breached its first response, escalated
    for ticket_id in (a, b):
        agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "resolved"})
    live.clock.advance(hours=27)
    agent.api("PATCH", f"/api/tickets/{c}", {"status": "resolved"})
    report = agent.get("/api/reports/tickets").json()
    first, resolution, escalation = report["targets"]["rows"]
    assert first == ["first response under 2 h for standard issues (P3), median", "1 h 0 min", 66.7, 3, "yes"]
    assert resolution[0] == "resolution under 24 h for 95 % of issues, 95th percentile"
    assert (resolution[2], resolution[3], resolution[4]) == (66.7, 3, "no")
    assert escalation == ["escalation rate under 15 % (SLA monitor and agents)", "50.0 %", "", 4, "no"]
    esc = dict(zip(report["escalation"]["columns"], report["escalation"]["rows"][0]))
    assert (esc["escalated"], esc["by_sla_monitor"], esc["by_agents"], esc["target_pct"]) == (2, 1, 1, 15.0)
    times = dict(zip(report["response_times"]["columns"], report["response_times"]["rows"][2]))
    assert times["resolution_p95"] == resolution[1]
    page = agent.get("/support/reports").text
    assert "The seeds&#39; targets" in page or "The seeds' targets" in page

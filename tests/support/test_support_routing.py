"""Routing through the running backend: rules send new tickets to a tier, group and assignee, round-robin deals them
in turn among the group's available agents, and the rule that fired is in the ticket's history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support_harness import Browser, Live, start_server, stop_server

RULES = """\
groups:
  tier1: {name: Tier 1 desk, members: [alex@example.com]}
  maintenance: {name: Maintenance, members: [mo@example.com, max@example.com, gone@example.com], round_robin: true}
  quality: {name: Quality, members: [qi@example.com]}
rules:
  - name: Torque trouble to maintenance
    when: {subject_words: [torque, sensor], priority: [P1, P2]}
    then: {tier: 2, group: maintenance}
  - name: Operator pages to quality
    when: {role: operator, category: Problem}
    then: {tier: 2, group: quality, assignee: qi@example.com}
"""


@pytest.fixture
def routed(tmp_path: Path) -> Iterator[Live]:
    """A backend with the routing rules above and the agents they name (gone@ has no account, max@ is disabled later)."""
    rules = tmp_path / "routing.yml"
    rules.write_text(RULES, encoding="utf-8")
    server, thread, live = start_server(tmp_path, routing_file=rules)
    for email in ("alex@example.com", "mo@example.com", "max@example.com", "qi@example.com"):
        live.add_user(email, "agent", email.split("@")[0].title())
    yield live
    stop_server(server, thread, live)


def _agent(live: Live) -> Browser:
    browser = live.client()
    browser.login("alex@example.com")
    return browser


def test_a_rule_sets_tier_group_and_assignee_and_is_in_the_history(routed: Live) -> None:
    """A problem filed from an operator page goes to Quality's named agent at tier 2; the history names the rule."""
    ticket_id = routed.file(subject="Label misprint", category="Problem", page_id="start-of-shift-checklist",
                            page_title="Start-of-shift checklist")["ticket"]["id"]
    agent = _agent(routed)
    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    assert (ticket["tier"], ticket["assignee_name"]) == (2, "Qi")
    rows = [(h["actor"], h["field"], h["new"]) for h in ticket["history"]]
    assert ("Routing", "routing rule", "Operator pages to quality") in rows and ("Routing", "group", "quality") in rows
    page = agent.get(f"/support/tickets/{ticket_id}").text
    assert "<dt>Group</dt><dd>Quality</dd>" in page and "Operator pages to quality" in page


def test_round_robin_deals_tickets_in_turn_among_available_agents(routed: Live) -> None:
    """Round-robin skips members with no account or a disabled one, and goes round in the listed order."""
    def file() -> str | None:
        ticket_id = routed.file(subject="Torque sensor reads zero", priority="P2")["ticket"]["id"]
        return _agent(routed).get(f"/api/tickets/{ticket_id}").json()["assignee_name"]

    assert [file(), file(), file()] == ["Mo", "Max", "Mo"]
    store = routed.app.state.store
    with store.tx():
        store.execute("UPDATE users SET disabled = 1 WHERE email = 'max@example.com'")
    assert [file(), file()] == ["Mo", "Mo"]


def test_a_ticket_no_rule_matches_stays_at_tier_1_unassigned(routed: Live) -> None:
    """Without a matching rule the ticket is filed as before, and its history names no rule."""
    ticket_id = routed.file(subject="Torque question", priority="P3")["ticket"]["id"]
    ticket = _agent(routed).get(f"/api/tickets/{ticket_id}").json()
    assert (ticket["tier"], ticket["assignee_id"]) == (1, None)
    assert "routing rule" not in [h["field"] for h in ticket["history"]]


def test_a_broken_routing_file_keeps_the_last_good_rules_and_is_logged(routed: Live, caplog: pytest.LogCaptureFixture) -> None:
    """A rule file with an error is reported with its line and routes by the rules that were in force."""
    routing = routed.app.state.context.routing
    routing.current()
    routing.file.write_text(RULES.replace("group: quality,", "group: qualty,"), encoding="utf-8")
    routing._checked_at = float("-inf")
    with caplog.at_level("WARNING", logger="support.routing"):
        routing.current()
    assert routing.problems == [f"{routing.file}:11:28: error: rules[1].then.group: unknown group 'qualty' (groups: maintenance, quality, tier1)"]
    assert any("unknown group 'qualty'" in r.getMessage() for r in caplog.records)
    ticket_id = routed.file(subject="Torque sensor", priority="P1")["ticket"]["id"]
    assert _agent(routed).get(f"/api/tickets/{ticket_id}").json()["tier"] == 2

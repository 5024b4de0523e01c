"""The agent's day beside the queue: tags and their filter, saved views, merging a duplicate, who else has a ticket open."""

from __future__ import annotations

import re

from support_harness import Browser, Live


def _subjects(agent: Browser, query: str) -> list[str]:
    page = agent.get(f"/support/queue?{query}")
    assert page.status_code == 200, page.text
    return re.findall(r'<a href="/support/tickets/\d+">([^<]+)</a>', page.text)


def test_tags_filter_the_queue_and_are_recorded(live: Live, agent: Browser) -> None:
    """A tag is normalised, shown in the queue, filters it, and adding and removing it go into the history."""
    ticket = live.file(subject="Label printer offline")["ticket"]["id"]
    live.file(subject="Scanner gun lost pairing")
    assert agent.form(f"/support/tickets/{ticket}/tags", {"tag": "Line 4"}).status_code == 303
    assert _subjects(agent, "tag=line-4") == ["Label printer offline"]
    assert 'href="/support/queue?tag=line-4">line-4</a>' in agent.get("/support/queue").text
    bad = agent.form(f"/support/tickets/{ticket}/tags", {"tag": "<b>!"})
    assert bad.status_code == 422 and 'id="tag-error"' in bad.text and 'value="&lt;b&gt;!"' in bad.text
    agent.form(f"/support/tickets/{ticket}/tags/line-4/remove")
    history = agent.get(f"/api/tickets/{ticket}").json()["history"]
    assert [(h["field"], h["old"], h["new"]) for h in history if h["field"] == "tag"] == [("tag", None, "line-4"), ("tag", "line-4", None)]
    assert _subjects(agent, "tag=line-4") == []


def test_built_in_and_own_saved_views(live: Live, agent: Browser) -> None:
    """Mine, Unassigned and About to breach are there for everyone; an agent saves, uses and deletes their own view."""
    live.file(subject="P1 stopped line", priority="P1")
    live.file(subject="P4 question", priority="P4")
    page = agent.get("/support/queue").text
    for name, query in [("Mine", "assignee=me"), ("Unassigned", "assignee=none"), ("About to breach", "sla=due_soon")]:
        assert f'<a href="/support/queue?{query}">{name}</a>' in page
    saved = agent.form("/support/queue/views", {"view_name": "Urgent ones", "priority": "P1", "status": "active", "sort": "due"})
    assert saved.status_code == 303 and saved.headers["location"] == "/support/queue?priority=P1&saved=1#views"
    page = agent.get("/support/queue?priority=P1").text
    assert '<a href="/support/queue?priority=P1" aria-current="page">Urgent ones</a>' in page
    assert _subjects(agent, "priority=P1") == ["P1 stopped line"]
    assert agent.form("/support/queue/views", {"view_name": "  "}).status_code == 422
    view_id = live.app.state.store.one("SELECT id FROM saved_views")["id"]
    live.add_user("sam@example.com", "agent", "Sam Agent")
    sam = live.client()
    sam.login("sam@example.com")
    assert "Urgent ones" not in sam.get("/support/queue").text
    assert sam.form(f"/support/queue/views/{view_id}/delete").status_code == 404, "another agent's view is not theirs to delete"
    assert agent.form(f"/support/queue/views/{view_id}/delete").status_code == 303
    assert "Urgent ones" not in agent.get("/support/queue").text


def test_merging_a_duplicate_keeps_both_histories_and_tells_its_requester(live: Live, agent: Browser) -> None:
    """The duplicate is closed pointing at the target, its conversation is a note there, both histories say so, a mail goes out."""
    target = live.file(subject="Conveyor 3 stopped")["ticket"]["id"]
    duplicate = live.file(subject="Belt at station 3 not moving", requester_email="petra@example.com",
                          description="Same belt again, alarm E-204 since the shift started.")["ticket"]["id"]
    answer = agent.form(f"/support/tickets/{duplicate}/merge", {"target_id": f"#{target}"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/support/tickets/{target}?merged={duplicate}#merged"
    merged = agent.get(f"/api/tickets/{target}").json()
    assert merged["messages"][-1]["internal"] and "alarm E-204 since the shift started" in merged["messages"][-1]["body"]
    assert ("merged", f"#{duplicate}") in [(h["field"], h["new"]) for h in merged["history"]]
    old = agent.get(f"/api/tickets/{duplicate}").json()
    assert old["status"] == "closed" and ("merged_into", f"#{target}") in [(h["field"], h["new"]) for h in old["history"]]
    mail = live.app.state.store.one("SELECT * FROM outbox WHERE kind = 'merged'")
    assert mail["recipient"] == "petra@example.com" and mail["subject"] == f"[#{duplicate}] Merged into #{target}: Belt at station 3 not moving"
    assert agent.form(f"/support/tickets/{duplicate}/merge", {"target_id": str(target)}).status_code == 409
    assert agent.form(f"/support/tickets/{target}/merge", {"target_id": str(target)}).status_code == 409
    bad = agent.form(f"/support/tickets/{target}/merge", {"target_id": "abc"})
    assert bad.status_code == 422 and 'id="target_id-error"' in bad.text
    assert agent.form(f"/support/tickets/{target}/merge", {"target_id": "99999"}).status_code == 404


def test_an_agent_sees_who_else_has_the_ticket_open(live: Live, agent: Browser) -> None:
    """Sam opens the ticket; Alex's page and heartbeat name Sam; after 90 s without a beat Sam no longer counts."""
    ticket = live.file()["ticket"]["id"]
    live.add_user("sam@example.com", "agent", "Sam Agent")
    sam = live.client()
    sam.login("sam@example.com")
    assert "Also open by" not in sam.get(f"/support/tickets/{ticket}").text
    assert "Also open by Sam Agent" in agent.get(f"/support/tickets/{ticket}").text
    assert [o["name"] for o in sam.api("POST", f"/api/tickets/{ticket}/presence").json()["others"]] == ["Alex Agent"]
    live.clock.advance(seconds=91)
    assert agent.api("POST", f"/api/tickets/{ticket}/presence").json() == {"others": []}
    assert sam.api("POST", f"/api/tickets/{ticket}/presence", csrf=False).status_code == 403
    requester = live.client()
    live.add_user("olga@example.com", "requester", "Olga")
    requester.login("olga@example.com")
    assert requester.api("POST", f"/api/tickets/{ticket}/presence").status_code == 403

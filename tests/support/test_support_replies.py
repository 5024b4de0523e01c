"""The agent's reply tools: "Assign to me", canned replies with placeholders, and KB articles inserted into a reply."""

from __future__ import annotations

import html
import re

from support_harness import Browser, Live


def _textarea(page: str) -> str:
    """The reply box's text as the page shows it."""
    match = re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no reply box on the page"
    return html.unescape(match.group(1))


def _selected(page: str, select_id: str) -> str | None:
    block = re.search(rf'<select id="{select_id}".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)" selected>', block)
    return chosen.group(1) if chosen else None


def _me(live: Live, email: str = "alex@example.com") -> int:
    return live.app.state.store.one("SELECT id FROM users WHERE email = ?", [email])["id"]


def test_assign_to_me_on_the_ticket_records_it_and_confirms(live: Live, agent: Browser) -> None:
    """"Assign to me" on the ticket makes the agent its assignee, records it, and the page says so."""
    ticket_id = live.file()["ticket"]["id"]
    assert "Assign to me" in agent.get(f"/support/tickets/{ticket_id}").text
    response = agent.form(f"/support/tickets/{ticket_id}/assign-me")
    assert response.status_code == 303 and response.headers["location"].endswith("?assigned=1#assigned")
    page = agent.get(response.headers["location"]).text
    assert f"Ticket #{ticket_id} is assigned to you." in page and 'class="secondary small">Assign to me' not in page
    history = agent.get(f"/api/tickets/{ticket_id}").json()["history"]
    assert ("Alex Agent", "assignee_id", None, "Alex Agent") in [(h["actor"], h["field"], h["old"], h["new"]) for h in history]


def test_assign_to_me_in_the_queue_takes_only_that_row(live: Live, agent: Browser) -> None:
    """A row's "Assign to me" button assigns that ticket alone, even with other rows ticked."""
    first, second = (live.file(subject=f"Queue row {n}")["ticket"]["id"] for n in (1, 2))
    response = agent.form("/support/queue/assign", {"ids": [str(first)], "assign_me": str(second), "assignee_id": ""})
    assert response.status_code == 303
    tickets = {t: agent.get(f"/api/tickets/{t}").json()["assignee_id"] for t in (first, second)}
    assert tickets == {first: None, second: _me(live)}


def test_assign_to_me_needs_an_agent_and_the_csrf_token(live: Live, agent: Browser) -> None:
    """A requester cannot assign a ticket to themselves, a form without the token is refused, a bad id is a 404 or 422."""
    ticket_id = live.file()["ticket"]["id"]
    assert agent.form(f"/support/tickets/{ticket_id}/assign-me", csrf=False).status_code == 403
    live.add_user("rita@example.com", "requester", "Rita Requester")
    requester = live.client()
    requester.login("rita@example.com")
    assert requester.form(f"/support/tickets/{ticket_id}/assign-me").status_code == 403
    assert agent.form("/support/tickets/999/assign-me").status_code == 404
    assert agent.form("/support/queue/assign", {"assign_me": "x"}).status_code == 422


def test_canned_reply_fills_placeholders_and_sets_status_and_priority(live: Live, agent: Browser) -> None:
    """A canned reply added to the reply names the requester, the ticket and its link, and chooses status and priority."""
    ticket_id = live.file(requester_name="Olga <Operator>")["ticket"]["id"]
    saved = agent.form("/support/replies", {"title": "Need a photo", "set_status": "pending", "set_priority": "P2",
                                            "body": "Hello {requester_name}, about ticket {ticket_number} ({private_link}): {other}"})
    assert saved.status_code == 303
    template_id = live.app.state.store.one("SELECT id FROM reply_templates")["id"]
    page = agent.form(f"/support/tickets/{ticket_id}/compose", {"insert": "template", "template_id": str(template_id),
                                                                "body": "Thanks.", "then_status": "", "then_priority": ""})
    assert page.status_code == 200
    assert _textarea(page.text) == f"Thanks.\n\nHello Olga <Operator>, about ticket {ticket_id} (/support/tickets/{ticket_id}): {{other}}"
    assert "Olga &lt;Operator&gt;" in page.text and "Olga <Operator>" not in page.text
    assert (_selected(page.text, "then_status"), _selected(page.text, "then_priority")) == ("pending", "P2")
    sent = agent.form(f"/support/tickets/{ticket_id}/reply", {"body": _textarea(page.text), "then_status": "pending", "then_priority": "P2"})
    assert sent.status_code == 303
    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    assert (ticket["status"], ticket["priority"]) == ("pending", "P2")


def test_personal_canned_replies_are_the_agents_own_and_only_admins_share(live: Live, agent: Browser) -> None:
    """An agent's canned reply is theirs alone; sharing needs an administrator, who may also remove a shared one."""
    live.add_user("bea@example.com", "agent", "Bea Agent")
    live.add_user("ada@example.com", "admin", "Ada Admin")
    other, admin = live.client(), live.client()
    other.login("bea@example.com")
    admin.login("ada@example.com")
    agent.form("/support/replies", {"title": "Alex's own", "body": "Mine."})
    assert agent.form("/support/replies", {"title": "Try to share", "body": "All.", "shared": "on"}).status_code == 403
    admin.form("/support/replies", {"title": "Shared greeting", "body": "Hello {requester_name}.", "shared": "on"})
    assert "Alex&#39;s own" in agent.get("/support/replies").text and "Shared greeting" in agent.get("/support/replies").text
    assert "Alex&#39;s own" not in other.get("/support/replies").text and "Shared greeting" in other.get("/support/replies").text
    own, shared = (live.app.state.store.one("SELECT id FROM reply_templates WHERE title = ?", [t])["id"] for t in ("Alex's own", "Shared greeting"))
    assert other.form(f"/support/replies/{own}/delete").status_code == 404
    assert agent.form(f"/support/replies/{shared}/delete").status_code == 403
    assert admin.form(f"/support/replies/{shared}/delete").status_code == 303
    ticket_id = live.file()["ticket"]["id"]
    assert other.form(f"/support/tickets/{ticket_id}/compose", {"insert": "template", "template_id": str(own)}).status_code == 404


def test_canned_reply_form_keeps_the_text_and_names_the_bad_field(live: Live, agent: Browser) -> None:
    """A canned reply without a title or with an unknown status is refused with the typed text kept."""
    page = agent.form("/support/replies", {"title": "", "body": "Kept <b>text</b>", "set_status": "archived"})
    assert page.status_code == 422
    assert 'id="title-error"' in page.text and 'id="set_status-error"' in page.text
    assert "Kept &lt;b&gt;text&lt;/b&gt;</textarea>" in page.text


def test_inserted_article_is_in_the_reply_and_linked_when_sent(live: Live, agent: Browser) -> None:
    """Inserting a KB article adds its title, link and summary to the reply; sending links it to the ticket."""
    ticket_id = live.file()["ticket"]["id"]
    page = agent.form(f"/support/tickets/{ticket_id}/compose", {"insert_article": "start-of-shift-checklist", "body": "See:", "kbq": "shift"})
    assert page.status_code == 200
    assert _textarea(page.text) == ("See:\n\nStart-of-shift checklist\n/articles/operator/start-of-shift-checklist/\n"
                                    "What an operator checks on the HMI before taking over Line 4.")
    assert '<input type="hidden" name="articles" value="start-of-shift-checklist">' in page.text
    assert agent.get(f"/api/tickets/{ticket_id}").json()["articles"] == []  # nothing linked before it is sent
    agent.form(f"/support/tickets/{ticket_id}/reply", {"body": _textarea(page.text), "articles": ["start-of-shift-checklist", "no-such-article"]})
    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    assert [a["id"] for a in ticket["articles"]] == ["start-of-shift-checklist"]
    assert agent.get("/api/articles/start-of-shift-checklist").json()["tickets"] == 1


def test_compose_refuses_an_unknown_article_or_template_without_a_500(live: Live, agent: Browser) -> None:
    """Compose answers 404 for an article or template that does not exist and 422 for a malformed id."""
    ticket_id = live.file()["ticket"]["id"]
    assert agent.form(f"/support/tickets/{ticket_id}/compose", {"insert_article": "nope"}).status_code == 404
    assert agent.form(f"/support/tickets/{ticket_id}/compose", {"insert": "template", "template_id": "77"}).status_code == 404
    assert agent.form(f"/support/tickets/{ticket_id}/compose", {"insert": "template", "template_id": "x" * 50}).status_code == 422

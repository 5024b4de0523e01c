"""The whole ticket lifecycle through the HTML pages, as a requester and an agent would click it."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from support_harness import Browser, Live, form_id_from

HELP_LINK = "/support/tickets/new?" + urlencode({
    "page_id": "start-of-shift-checklist", "page_title": "Start-of-shift checklist",
    "page_url": "articles/operator/start-of-shift-checklist/",
})
TEXT = {"subject": "Conveyor jammed after restart", "description": "The conveyor jammed again and alarm E-204 stays on the HMI.",
        "requester_name": "Olga Operator", "requester_email": "olga@example.com", "category": "Problem", "priority": "P2"}


def open_form(requester: Browser) -> dict[str, str]:
    """Open the help link's form and return the hidden fields it carries."""
    page = requester.get(HELP_LINK)
    assert page.status_code == 200
    return {"form_id": form_id_from(page.text), "page_id": "start-of-shift-checklist",
            "page_title": "Start-of-shift checklist", "page_url": "articles/operator/start-of-shift-checklist/"}


def test_help_link_prefills_the_form_with_the_page(live: Live) -> None:
    """The help link's page id, title and URL are carried in the form and named in its heading."""
    page = live.client().get(HELP_LINK)
    assert "<h1>Need help with “Start-of-shift checklist”?</h1>" in page.text
    assert 'name="page_url" value="articles/operator/start-of-shift-checklist/"' in page.text
    assert '<a href="/articles/operator/start-of-shift-checklist/">Start-of-shift checklist</a>' in page.text


def test_ticket_lifecycle_from_help_link_to_closed(live: Live, agent: Browser) -> None:
    """Filing, suggestions, private link, agent reply and note, article link, reopen and close all work end to end."""
    requester = live.client()
    hidden = open_form(requester)
    shown = requester.form("/support/tickets/new", {**TEXT, **hidden, "action": "suggest"})
    assert shown.status_code == 200 and "Clear a conveyor jam" in shown.text and "<mark>" in shown.text
    assert 'value="Conveyor jammed after restart"' in shown.text  # the user's text is kept

    filed = requester.form("/support/tickets/new", {**TEXT, **hidden, "action": "file"})
    assert filed.status_code == 303
    private_url = filed.headers["location"]
    assert re.fullmatch(r"/support/t/[A-Za-z0-9_-]{43}", private_url)  # the link to bookmark, nothing appended
    page = requester.get(private_url)
    assert "Your ticket was filed." in page.text and "Conveyor jammed after restart" in page.text
    assert "Start-of-shift checklist" in page.text  # linked to the page's article
    assert "Your ticket was filed." not in requester.get(private_url).text  # said once, not on every later visit

    queue = agent.get("/support/queue")
    ticket_id = int(re.search(r'href="/support/tickets/(\d+)">Conveyor jammed after restart', queue.text).group(1))
    assert agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Please send a photo of the HMI."}).status_code == 303
    assert agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Looks like the E-204 sensor again", "internal": "on"}).status_code == 303
    search = agent.get(f"/support/tickets/{ticket_id}", params={"kbq": "conveyor jam"})
    assert 'name="article_id" value="clear-conveyor-jam"' in search.text
    assert agent.form(f"/support/tickets/{ticket_id}/articles", {"article_id": "clear-conveyor-jam"}).status_code == 303
    assert agent.form(f"/support/tickets/{ticket_id}/update", {"status": "pending", "tier": "2", "priority": "P2",
                                                             "category": "Problem", "assignee_id": ""}).status_code == 303

    view = requester.get(private_url)
    assert "Please send a photo of the HMI." in view.text
    assert "E-204 sensor again" not in view.text and "Internal note" not in view.text
    assert "Clear a conveyor jam" in view.text
    assert requester.form(private_url + "/reply", {"body": "Photo attached."}).status_code == 303

    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    assert ticket["status"] == "open" and ticket["tier"] == 2
    assert [a["id"] for a in ticket["articles"]] == ["start-of-shift-checklist", "clear-conveyor-jam"]
    assert [m["internal"] for m in ticket["messages"]] == [False, True, False]
    changes = [(h["actor"], h["field"], h["old"], h["new"]) for h in ticket["history"]]
    assert ("Olga Operator", "status", None, "new") in changes
    assert ("Alex Agent", "status", "new", "open") in changes
    assert ("Alex Agent", "article", None, "clear-conveyor-jam") in changes
    assert ("Alex Agent", "tier", "1", "2") in changes
    assert ("Olga Operator", "status", "pending", "open") in changes


def test_requester_reply_reopens_a_resolved_ticket_and_closed_refuses(live: Live, agent: Browser) -> None:
    """A requester's reply moves a resolved ticket back to open; a closed ticket takes no reply (409)."""
    filed = live.file()
    token, ticket_id = filed["token"], filed["ticket"]["id"]
    assert agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "resolved"}).json()["status"] == "resolved"
    requester = live.client()
    reopened = requester.post(f"/api/t/{token}/replies", json={"body": "It happened again."})
    assert reopened.status_code == 201 and reopened.json()["status"] == "open"
    agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "closed"})
    refused = requester.post(f"/api/t/{token}/replies", json={"body": "One more thing."})
    assert refused.status_code == 409
    assert refused.json() == {"detail": f"Ticket {ticket_id} is closed; file a new ticket instead"}


def test_signed_in_requester_sees_all_their_tickets(live: Live) -> None:
    """A requester with an account sees every ticket they filed signed in, and no one else's."""
    live.add_user("olga@example.com", "requester", "Olga Operator")
    olga = live.client()
    olga.login("olga@example.com")
    live.file(by=olga, subject="First problem with the HMI")
    live.file(by=olga, subject="Second problem with the HMI")
    live.file(subject="Somebody else's problem", requester_email="peter@example.com")
    page = olga.get("/support/my")
    assert "First problem with the HMI" in page.text and "Second problem with the HMI" in page.text
    assert "Somebody else" not in page.text
    assert olga.get("/api/tickets").json()["total"] == 2

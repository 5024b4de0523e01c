"""The agent workspace: queue filters and sorting, bulk assign, article page, reports page, user admin."""

from __future__ import annotations

import re

import pytest

from support_harness import Browser, Live, form_id_from

from support.tickets.routes import reports as reports_routes


def queue_subjects(agent: Browser, **params: str) -> list[str]:
    """Subjects in the HTML queue, in display order."""
    page = agent.get("/support/queue", params=params)
    assert page.status_code == 200
    return re.findall(r'<a href="/support/tickets/\d+">([^<]+)</a>', page.text)


def test_queue_filters_and_sorts(live: Live, agent: Browser) -> None:
    """Priority, status, article and text filters narrow the queue; sort orders it."""
    live.file(subject="Alpha P1 problem", priority="P1")
    live.file(subject="Beta P4 question", priority="P4", page_id="recipe-change", page_title="Change the product recipe")
    closed = live.file(subject="Gamma closed one", priority="P2")["ticket"]["id"]
    agent.api("PATCH", f"/api/tickets/{closed}", {"status": "closed"})
    assert queue_subjects(agent) == ["Alpha P1 problem", "Beta P4 question"]
    assert queue_subjects(agent, priority="P4") == ["Beta P4 question"]
    assert queue_subjects(agent, status="closed") == ["Gamma closed one"]
    assert queue_subjects(agent, article="recipe-change") == ["Beta P4 question"]
    assert queue_subjects(agent, q="Alpha") == ["Alpha P1 problem"]
    assert queue_subjects(agent, status="all", sort="newest") == ["Gamma closed one", "Beta P4 question", "Alpha P1 problem"]


def test_queue_paginates(live: Live, agent: Browser) -> None:
    """With more tickets than a page holds the queue shows page links and the rest on page 2."""
    for n in range(27):
        live.file(subject=f"Ticket number {n:02d}")
    first = agent.get("/support/queue", params={"sort": "oldest"})
    assert "27 tickets, page 1 of 2" in first.text and "page=2" in first.text
    assert queue_subjects(agent, sort="oldest", page="2") == ["Ticket number 25", "Ticket number 26"]


def test_bulk_assign_assigns_the_ticked_tickets(live: Live, agent: Browser) -> None:
    """Bulk assign sets the assignee on every ticked ticket and records it in each history."""
    ids = [live.file(subject=f"Bulk {n}")["ticket"]["id"] for n in range(3)]
    me = live.app.state.store.one("SELECT id FROM users WHERE email = 'alex@example.com'")["id"]
    response = agent.form("/support/queue/assign", {"ids": [str(i) for i in ids[:2]], "assignee_id": str(me)})
    assert response.status_code == 303
    assert queue_subjects(agent, assignee="me", sort="oldest") == ["Bulk 0", "Bulk 1"]
    history = agent.get(f"/api/tickets/{ids[0]}").json()["history"]
    assert ("Alex Agent", "assignee_id", None, "Alex Agent") in [(h["actor"], h["field"], h["old"], h["new"]) for h in history]


def test_article_page_lists_linked_tickets_and_deflections(live: Live, agent: Browser) -> None:
    """The backend article page shows the tickets linked to it and how many readers it deflected."""
    live.file(subject="Jam again at station 3", page_id="clear-conveyor-jam", page_title="Clear a conveyor jam")
    reader = live.client()
    form_id = form_id_from(reader.get("/support/tickets/new").text)
    reader.api("POST", "/api/suggestions", {"q": "conveyor jam", "form_id": form_id})
    reader.api("POST", "/api/deflections", {"article_id": "clear-conveyor-jam", "form_id": form_id})
    page = agent.get("/support/articles/clear-conveyor-jam")
    assert "Jam again at station 3" in page.text
    assert "<dt>Readers it answered (deflections)</dt><dd>1</dd>" in page.text
    api = agent.get("/api/articles/clear-conveyor-jam").json()
    assert (api["deflections"], api["tickets"], api["linked_tickets"][0]["origin"]) == (1, 1, "page")


def test_unlinking_an_article_is_recorded(live: Live, agent: Browser) -> None:
    """An agent can unlink an article; the history keeps who did it."""
    ticket_id = live.file(page_id="clear-conveyor-jam")["ticket"]["id"]
    response = agent.form(f"/support/tickets/{ticket_id}/articles/clear-conveyor-jam/unlink")
    assert response.status_code == 303
    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    assert ticket["articles"] == [] and ticket["history"][-1]["note"] == "unlinked"


def test_reports_page_has_charts_with_text_alternatives_and_csv(live: Live, agent: Browser) -> None:
    """The reports page draws SVG bar charts with a title and description, and links a CSV per table."""
    live.file(priority="P1")
    live.file(priority="P2", page_id="recipe-change")
    page = agent.get("/support/reports")
    assert page.status_code == 200
    assert '<svg class="chart" role="img" aria-labelledby="backlog-chart-t backlog-chart-d"' in page.text
    assert "<desc id=\"backlog-chart-d\">P1: 1; P2: 1; P3: 0; P4: 0</desc>" in page.text
    assert page.text.count(".csv\">Download") == 17  # the ticket report's 8 tables (targets among them), satisfaction's 2, the content report's 7
    gaps = agent.get("/support/reports/knowledge_gaps.csv")
    assert gaps.headers["content-type"].startswith("text/csv") and len(gaps.text.splitlines()) == 2


def test_reports_page_shows_the_newest_gaps_and_the_csv_has_them_all(live: Live, agent: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long "tickets with no article" table is cut to the newest rows on the page; its CSV keeps every row."""
    monkeypatch.setattr(reports_routes, "PAGE_ROWS", 2)
    ids = [live.file(subject=f"Gap number {n}")["ticket"]["id"] for n in range(3)]
    page = agent.get("/support/reports").text
    assert "Showing the newest 2 of 3 rows; the CSV has every row." in page
    assert "Gap number 2" in page and "Gap number 1" in page and "Gap number 0" not in page
    rows = agent.get("/support/reports/knowledge_gaps.csv").text.splitlines()[1:]
    assert [int(r.split(",")[0]) for r in rows] == ids[::-1]


def test_admin_manages_users_through_the_pages(live: Live) -> None:
    """An admin adds an agent, changes a role and disables an account; a bad email is shown beside the field."""
    live.add_user("ada@example.com", "admin")
    admin = live.client()
    admin.login("ada@example.com")
    bad = admin.form("/support/admin/users", {"email": "nope", "name": "X", "role": "agent", "password": "long enough pw"})
    assert bad.status_code == 422 and 'id="email-error">Enter an email address like name@example.com.' in bad.text
    assert admin.form("/support/admin/users", {"email": "sam@example.com", "name": "Sam", "role": "agent",
                                               "password": "long enough pw"}).status_code == 303
    sam = live.app.state.store.one("SELECT id FROM users WHERE email = 'sam@example.com'")["id"]
    assert admin.form(f"/support/admin/users/{sam}", {"role": "admin"}).status_code == 303
    assert admin.form(f"/support/admin/users/{sam}", {"role": "admin", "action": "disable"}).status_code == 303
    row = live.app.state.store.one("SELECT role, disabled FROM users WHERE id = ?", [sam])
    assert row == {"role": "admin", "disabled": 1}
    me = live.app.state.store.one("SELECT id FROM users WHERE email = 'ada@example.com'")["id"]
    assert admin.form(f"/support/admin/users/{me}", {"role": "agent"}).status_code == 403


def test_wrong_password_rerenders_login_with_message(live: Live) -> None:
    """A wrong password gives 401 and the login form with the email kept and one message."""
    live.add_user("alex@example.com", "agent")
    response = live.client().form("/support/login", {"email": "alex@example.com", "password": "wrong password"})
    assert response.status_code == 401
    assert "Email or password is wrong" in response.text and 'value="alex@example.com"' in response.text

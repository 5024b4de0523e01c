"""CSRF refusal, escaping of hostile text, and security headers."""

from __future__ import annotations

from urllib.parse import urlencode

from support_harness import Browser, Live, form_id_from

HOSTILE = "<script>alert('x')</script>"


def test_form_post_without_csrf_token_is_refused(live: Live, agent: Browser) -> None:
    """A state-changing form without the session's token gets 403 and changes nothing."""
    ticket_id = live.file()["ticket"]["id"]
    refused = agent.form(f"/support/tickets/{ticket_id}/update", {"priority": "P1"}, csrf=False)
    assert refused.status_code == 403 and "CSRF check failed" in refused.text
    forged = agent.post(f"/support/tickets/{ticket_id}/update", data={"priority": "P1", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert agent.get(f"/api/tickets/{ticket_id}").json()["priority"] == "P3"


def test_ticket_form_without_token_is_refused_but_keeps_the_text(live: Live) -> None:
    """A ticket form posted without a valid token files nothing and re-renders with the user's text."""
    client = live.client()
    response = client.post("/support/tickets/new", data={"subject": "Filler leaks", "description": "Nozzle 4 drips all the time.",
                                                        "requester_email": "olga@example.com", "action": "file"})
    assert response.status_code == 403 and "Nozzle 4 drips all the time." in response.text
    assert live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0


def test_api_state_change_needs_header_token_when_signed_in(live: Live, agent: Browser) -> None:
    """A signed-in JSON PATCH without X-CSRF-Token is refused with a JSON 403."""
    ticket_id = live.file()["ticket"]["id"]
    response = agent.api("PATCH", f"/api/tickets/{ticket_id}", {"priority": "P1"}, csrf=False)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The form has expired or did not come from this site")


def test_cross_site_origin_is_refused(live: Live) -> None:
    """A POST whose Origin is another site is refused even for anonymous JSON calls."""
    response = live.client().post("/api/tickets", headers={"Origin": "https://evil.example"},
                                  json={"subject": "Spam", "description": "Spam spam spam", "requester_email": "a@b.co"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Cross-site request refused (origin https://evil.example is not allowed)"}


def test_login_form_needs_csrf_token(live: Live) -> None:
    """The login form is protected too (no login CSRF)."""
    live.add_user("alex@example.com", "agent")
    response = live.client().post("/support/login", data={"email": "alex@example.com", "password": "correct horse battery"})
    assert response.status_code == 403


def test_hostile_text_is_escaped_everywhere_it_is_shown(live: Live, agent: Browser) -> None:
    """Script tags in subject, description, name and page title come out escaped in every page."""
    filed = live.file(subject=f"Help {HOSTILE}", description=f"Body {HOSTILE} end", requester_name=f"Eve {HOSTILE}",
                      page_title=f"Page {HOSTILE}", page_url="articles/x/")
    ticket_id = filed["ticket"]["id"]
    agent.api("POST", f"/api/tickets/{ticket_id}/messages", {"body": f"Reply {HOSTILE}"})
    pages = [agent.get("/support/queue"), agent.get(f"/support/tickets/{ticket_id}"), live.client().get(f"/support/t/{filed['token']}"),
             live.client().get("/support/tickets/new?" + urlencode({"page_title": HOSTILE, "page_id": HOSTILE, "page_url": HOSTILE})),
             agent.get("/support/reports")]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
    assert "Help &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages[1].text


def test_hostile_page_url_is_not_turned_into_a_link(live: Live) -> None:
    """A ``javascript:`` page URL from a crafted help link is dropped from the form and refused by the API."""
    page = live.client().get("/support/tickets/new?" + urlencode({"page_title": "X", "page_url": "javascript:alert(1)"}))
    assert "javascript:" not in page.text
    response = live.client().post("/api/tickets", json={"subject": "abc", "description": "0123456789", "requester_email": "a@b.co",
                                                        "page_url": "javascript:alert(1)"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "page_url"]


def test_backend_pages_send_security_headers(live: Live) -> None:
    """Backend pages forbid framing and inline scripts; the private link goes to no other site as a referrer."""
    client = live.client()
    page = client.get("/support/tickets/new")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    private = client.get(f"/support/t/{live.file()['token']}")
    assert private.headers["referrer-policy"] == "same-origin"  # not no-referrer: Chromium then posts its form with Origin: null
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith("portal_session=") and "httponly" in cookie and "samesite=lax" in cookie


def test_form_ids_differ_per_visit(live: Live) -> None:
    """Each visit to the form gets its own form id, so impressions are grouped per attempt."""
    client = live.client()
    assert form_id_from(client.get("/support/tickets/new").text) != form_id_from(client.get("/support/tickets/new").text)

"""Whose ticket is it: an address typed without signing in proves nothing, so such a ticket joins no account until claimed."""

from __future__ import annotations

import re

from support_harness import Browser, Live

SPOOF = {"subject": "Please share the line 4 recipes", "description": "Reply here with the current recipe values please.",
         "requester_email": "ALICE@EXAMPLE.COM", "requester_name": "Alice"}


def signed_in(live: Live, email: str, role: str = "requester") -> Browser:
    """A browser signed in to a new account."""
    live.add_user(email, role)
    browser = live.client()
    browser.login(email)
    return browser


def test_an_anonymous_ticket_under_someones_address_stays_out_of_their_account(live: Live) -> None:
    """Filing as "ALICE@EXAMPLE.COM" without signing in gives a private link, but Alice's tickets do not show it."""
    alice = signed_in(live, "alice@example.com")
    filed = live.client().post("/api/tickets", json=SPOOF)
    assert filed.status_code == 201
    ticket_id = filed.json()["ticket"]["id"]
    assert "Please share the line 4 recipes" not in alice.get("/support/my").text
    assert alice.get("/api/tickets").json()["total"] == 0
    assert alice.get(f"/api/tickets/{ticket_id}").status_code == 404
    assert alice.form(f"/support/tickets/{ticket_id}/reply", {"body": "Here are the values"}).status_code == 404


def test_a_signed_in_requester_files_under_their_own_address_only(live: Live) -> None:
    """Typing another person's address while signed in is refused beside the field, in the form and the API."""
    mallory = signed_in(live, "mallory@example.com")
    api = mallory.api("POST", "/api/tickets", SPOOF)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "requester_email"]
    form = mallory.form("/support/tickets/new", {**SPOOF, "action": "file"})
    assert form.status_code == 422 and "You are signed in as mallory@example.com" in form.text
    assert live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0
    page = mallory.get("/support/tickets/new")
    assert re.search(r'id="requester_email"[^>]*value="mallory@example.com"[^>]*readonly', page.text)


def test_agents_see_how_the_requester_was_identified(live: Live, agent: Browser) -> None:
    """The agent's view says "signed in" or "address not proven", in the page and as ``identified_by`` in the API."""
    olga = signed_in(live, "olga@example.com")
    own = live.file(by=olga)["ticket"]["id"]
    typed = live.file(requester_email="peter@example.com")["ticket"]["id"]
    assert agent.get(f"/api/tickets/{own}").json()["identified_by"] == "account"
    assert agent.get(f"/api/tickets/{typed}").json()["identified_by"] == "unproven"
    assert "(signed in)" in agent.get(f"/support/tickets/{own}").text
    assert "address not proven" in agent.get(f"/support/tickets/{typed}").text


def test_signing_in_as_the_address_claims_the_ticket_and_retires_the_old_link(live: Live) -> None:
    """Alice, signed in, adds a ticket filed under her address to her tickets; the link it was filed with stops working."""
    filed = live.client().post("/api/tickets", json={**SPOOF, "requester_email": "alice@example.com"}).json()
    token, ticket_id = filed["token"], filed["ticket"]["id"]
    stranger = live.client()
    assert "Add to my tickets" not in stranger.get(f"/support/t/{token}").text  # only the address's account may claim
    peter = signed_in(live, "peter@example.com")
    assert "Add to my tickets" not in peter.get(f"/support/t/{token}").text
    assert peter.form(f"/support/t/{token}/claim").status_code == 404

    alice = signed_in(live, "alice@example.com")
    assert "Add to my tickets" in alice.get(f"/support/t/{token}").text
    claimed = alice.form(f"/support/t/{token}/claim")
    assert (claimed.status_code, claimed.headers["location"]) == (303, f"/support/tickets/{ticket_id}")
    assert "Please share the line 4 recipes" in alice.get("/support/my").text
    assert alice.form(f"/support/tickets/{ticket_id}/reply", {"body": "Values: 42, 17"}).status_code == 303
    assert stranger.get(f"/support/t/{token}").status_code == 404  # whoever held the old link reads nothing more
    assert stranger.get(f"/api/t/{token}").status_code == 404
    history = live.app.state.store.all("SELECT field, new FROM history WHERE ticket_id = ?", [ticket_id])
    assert {"field": "requester", "new": "account"} in history

"""Proven requesters: a ticket filed without signing in joins the address's account through the link mailed to it."""

from __future__ import annotations

from mail_harness import SmtpServer
from support_harness import Browser, Live
from test_mail_out import link_path

ANONYMOUS = {"subject": "Label printer offline", "description": "The label printer at packing shows offline.",
             "requester_email": "Alice@Example.com", "requester_name": "Alice"}


def file_and_get_proof(live: Live, smtp: SmtpServer) -> tuple[dict, str]:
    """File anonymously under Alice's address; (the 201 body, the proof link's path from the receipt)."""
    filed = live.client().post("/api/tickets", json=ANONYMOUS).json()
    [receipt] = smtp.sink.wait_for(1, address="alice@example.com")
    assert "prove the address is yours" in receipt.html
    return filed, link_path(receipt.text, "/support/prove/")


def test_following_the_mailed_proof_link_signed_in_adds_the_ticket_to_the_account(mail_live: Live, smtp: SmtpServer,
                                                                                   mail_agent: Browser) -> None:
    """Alice follows the link, signs in, confirms: the ticket is under "My tickets", proven by mail; the old link is retired."""
    mail_live.add_user("alice@example.com", "requester", "Alice")
    filed, proof = file_and_get_proof(mail_live, smtp)
    ticket_id = filed["ticket"]["id"]
    alice = mail_live.client()
    first = alice.get(proof)
    assert first.status_code == 303 and first.headers["location"] == f"/support/login?next={proof}"
    alice.login("alice@example.com")
    page = alice.get(proof)
    assert page.status_code == 200 and "Add it to my tickets" in page.text
    assert mail_agent.get(f"/api/tickets/{ticket_id}").json()["identified_by"] == "unproven"  # looking changed nothing
    assert alice.form(proof).headers["location"] == f"/support/tickets/{ticket_id}"
    assert "Label printer offline" in alice.get("/support/my").text
    assert mail_agent.get(f"/api/tickets/{ticket_id}").json()["identified_by"] == "mail"
    assert "(address proven by mail)" in mail_agent.get(f"/support/tickets/{ticket_id}").text
    assert mail_live.client().get(f"/support/t/{filed['token']}").status_code == 404
    assert alice.get(proof).headers["location"] == f"/support/tickets/{ticket_id}"  # followed again: just the ticket


def test_a_proof_link_works_only_for_its_address_and_for_seven_days(mail_live: Live, smtp: SmtpServer) -> None:
    """Signed in under another address: refused, saying which; after 7 days, or tampered with: not found. Nothing joins."""
    mail_live.add_user("alice@example.com", "requester", "Alice")
    mail_live.add_user("mallory@example.com", "requester", "Mallory")
    filed, proof = file_and_get_proof(mail_live, smtp)
    mallory = mail_live.client()
    mallory.login("mallory@example.com")
    refused = mallory.form(proof)
    assert refused.status_code == 403 and "This link proves the address alice@example.com" in refused.text
    assert mallory.get(proof[:-3] + "xyz").status_code == 404
    mail_live.clock.advance(days=7, seconds=1)
    alice = mail_live.client()
    alice.login("alice@example.com")
    expired = alice.form(proof)
    assert expired.status_code == 404 and "not valid or has expired (links last 7 days)" in expired.text
    assert mail_live.app.state.store.one("SELECT requester_id FROM tickets")["requester_id"] is None


def test_mail_to_a_proven_requester_links_the_account_page(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Once the ticket is the account's, an agent's reply links /support/tickets/<id>, not a private link."""
    mail_live.add_user("alice@example.com", "requester", "Alice")
    filed, proof = file_and_get_proof(mail_live, smtp)
    alice = mail_live.client()
    alice.login("alice@example.com")
    alice.form(proof)
    mail_agent.form(f"/support/tickets/{filed['ticket']['id']}/reply", {"body": "Restarted the print server."})
    reply = smtp.sink.wait_for(2, address="alice@example.com")[1]
    assert link_path(reply.text, "/support/") == f"/support/tickets/{filed['ticket']['id']}"

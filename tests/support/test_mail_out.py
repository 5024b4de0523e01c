"""Mail out: what each person is sent, by a real SMTP server on 127.0.0.1, with plain-text and HTML parts."""

from __future__ import annotations

import re

from mail_harness import SmtpServer
from support_harness import Browser, Live


def link_path(text: str, prefix: str) -> str:
    """The path of the first link in a mail that starts with ``prefix`` (e.g. ``/support/t/``)."""
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s\"<]*)", text).group(1)


def test_a_filed_ticket_is_acknowledged_by_mail_with_its_private_link(mail_live: Live, smtp: SmtpServer) -> None:
    """Filing without signing in mails the requester a receipt with both parts, the private link and a stable Message-ID."""
    filed = mail_live.file(requester_email="olga@example.com", priority="P3")
    [mail] = smtp.sink.wait_for(1)
    assert mail.rcpt == ["olga@example.com"]
    assert mail.message["From"] == "Line 4 support <support@plant.example>"
    assert mail.message["Subject"] == f"[#{filed['ticket']['id']}] We received your request: Conveyor jammed at station 3"
    assert re.fullmatch(r"<outbox-1\.[0-9a-f]{12}@plant\.example>", mail.message["Message-ID"])
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert f"/support/t/{filed['token']}" in mail.text and f"/support/t/{filed['token']}" in mail.html
    assert mail_live.client().get(link_path(mail.text, "/support/t/")).status_code == 200


def test_an_agents_public_reply_is_mailed_and_an_internal_note_is_not(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """The requester gets the reply's text and a link that opens the ticket; the note stays inside."""
    ticket_id = mail_live.file()["ticket"]["id"]
    smtp.sink.wait_for(1)
    assert mail_agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Internal: check the E-204 log", "internal": "on"}).status_code == 303
    assert mail_agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Please reset the breaker at cabinet 3."}).status_code == 303
    mails = smtp.sink.wait_for(2, address="olga@example.com")
    reply = mails[1]
    assert reply.message["Subject"] == f"[#{ticket_id}] New reply: Conveyor jammed at station 3"
    assert "Please reset the breaker at cabinet 3." in reply.text and "Please reset the breaker at cabinet 3." in reply.html
    assert all("E-204 log" not in m.text for m in smtp.sink.received)
    page = mail_live.client().get(link_path(reply.text, "/support/t/"))
    assert page.status_code == 200 and "Please reset the breaker" in page.text


def test_pending_and_resolved_are_mailed_to_the_requester(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Setting a ticket pending says it waits for the requester; resolving it says so."""
    ticket_id = mail_live.file()["ticket"]["id"]
    for status in ("pending", "resolved"):
        assert mail_agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": status}).status_code == 200
    subjects = [m.message["Subject"] for m in smtp.sink.wait_for(3, address="olga@example.com")]
    assert subjects[1:] == [f"[#{ticket_id}] Waiting for your answer: Conveyor jammed at station 3",
                            f"[#{ticket_id}] Resolved: Conveyor jammed at station 3"]


def test_agents_hear_of_urgent_tickets_assignments_and_requester_replies(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """A P1 goes to every agent; an assignment to the assignee (not to who assigned themself); a requester's reply to the assignee."""
    mail_live.add_user("bea@example.com", "agent", "Bea Agent")
    filed = mail_live.file(priority="P1")
    ticket_id = filed["ticket"]["id"]
    urgent = smtp.sink.wait_for(3)  # the receipt, and one to each agent
    assert sorted(r for m in urgent for r in m.rcpt) == ["alex@example.com", "bea@example.com", "olga@example.com"]
    bea = mail_live.app.state.store.one("SELECT id FROM users WHERE email = 'bea@example.com'")["id"]
    assert mail_agent.api("PATCH", f"/api/tickets/{ticket_id}", {"assignee_id": bea}).status_code == 200
    [assigned] = smtp.sink.wait_for(2, address="bea@example.com")[1:]
    assert assigned.message["Subject"] == f"[#{ticket_id}] Assigned to you: Conveyor jammed at station 3"
    assert "Alex Agent assigned ticket" in assigned.text and f"/support/tickets/{ticket_id}" in assigned.html
    requester = mail_live.client()
    assert requester.form(f"/support/t/{filed['token']}/reply", {"body": "The breaker was already reset."}).status_code == 303
    replied = smtp.sink.wait_for(3, address="bea@example.com")[2]
    assert replied.message["Subject"] == f"[#{ticket_id}] The requester replied: Conveyor jammed at station 3"
    assert "The breaker was already reset." in replied.text
    assert len(smtp.sink.to("alex@example.com")) == 1  # the P1 only


def test_every_mail_about_a_ticket_is_one_thread(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Each message has its own Message-ID and refers to the ticket's thread id, so mail programs group them."""
    ticket_id = mail_live.file()["ticket"]["id"]
    mail_agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "On it."})
    mails = smtp.sink.wait_for(2)
    assert {m.message["References"] for m in mails} == {f"<ticket-{ticket_id}@plant.example>"}
    assert len(set(smtp.sink.message_ids())) == 2


def test_sla_at_risk_mails_the_assignee_and_a_breach_every_agent(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """A P1's first response at risk (46 min in) goes to its assignee; breached (61 min) to the assignee and every agent."""
    bea_id = mail_live.add_user("bea@example.com", "agent", "Bea Agent")["id"]
    ticket_id = mail_live.file(priority="P1")["ticket"]["id"]
    mail_agent.api("PATCH", f"/api/tickets/{ticket_id}", {"assignee_id": bea_id})
    smtp.sink.wait_for(4)  # receipt, the P1 to both agents, assigned to Bea
    mail_live.clock.advance(minutes=46)
    assert mail_agent.get("/support/queue").status_code == 200  # a queue load sweeps
    at_risk = smtp.sink.wait_for(3, address="bea@example.com")[2]
    assert at_risk.message["Subject"] == f"[#{ticket_id}] SLA at risk: Conveyor jammed at station 3"
    assert "The first response target of ticket" in at_risk.text and "assigned to Bea Agent" in at_risk.text
    assert len(smtp.sink.to("alex@example.com")) == 1
    mail_live.clock.advance(minutes=15)
    mail_agent.get("/support/queue")
    breached = smtp.sink.wait_for(2, address="alex@example.com")[1]
    assert breached.message["Subject"] == f"[#{ticket_id}] SLA breached: Conveyor jammed at station 3"
    assert len(smtp.sink.wait_for(4, address="bea@example.com")) == 4


def test_an_agent_who_turns_a_kind_of_mail_off_does_not_get_it(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Alex unticks "a new P1 or P2 ticket": the next P1 goes to Bea only; the mails say where to change this."""
    mail_live.add_user("bea@example.com", "agent", "Bea Agent")
    page = mail_agent.get("/support/account/mail")
    assert page.status_code == 200 and "a new P1 or P2 ticket" in page.text
    kept = [k for k in ("assigned_to_you", "requester_replied", "sla_at_risk", "sla_breached")]
    saved = mail_agent.post("/support/account/mail", data={"kind": kept, "csrf_token": mail_agent.csrf()})
    assert saved.status_code == 200 and 'value="new_urgent_ticket">' in saved.text
    mail_live.file(priority="P1")
    [urgent] = smtp.sink.wait_for(1, address="bea@example.com")
    assert "/support/account/mail" in urgent.text
    smtp.sink.wait_for(2)
    assert smtp.sink.to("alex@example.com") == []

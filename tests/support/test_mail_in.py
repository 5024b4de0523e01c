"""Mail in: a Maildir under the data folder, read by the server; replies thread by Message-ID; machine mail is parked."""

from __future__ import annotations

import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from mail_harness import SmtpServer
from support_harness import Browser, Live


def deliver(live: Live, sender: str, subject: str, body: str, **headers: str) -> str:
    """Deliver a message into the portal's Maildir as an MTA would (write in tmp/, rename into new/); its Message-ID."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@plant.example", subject
    message["Message-ID"] = headers.pop("Message_ID", f"<{uuid.uuid4().hex}@mail.example.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    inbox = live.data_dir / "inbox"
    for part in ("tmp", "new", "cur"):
        (inbox / part).mkdir(parents=True, exist_ok=True)
    name = f"{time.time():.6f}.{uuid.uuid4().hex}.test"
    (inbox / "tmp" / name).write_bytes(message.as_bytes())
    (inbox / "tmp" / name).rename(inbox / "new" / name)
    return message["Message-ID"]


def read_all(live: Live, count: int) -> list[dict]:
    """Wait until ``count`` messages were read from the Maildir; their ``mail_in`` rows."""
    deadline = time.monotonic() + 10
    while True:
        store = live.app.state.store
        written = "rowid" if store.dialect == "sqlite" else "ctid"  # the order rows were written in (mail_in is never updated)
        rows = store.all(f"SELECT * FROM mail_in ORDER BY {written}")
        if len(rows) >= count:
            return rows
        assert time.monotonic() < deadline, f"only {len(rows)} of {count} messages were read"
        time.sleep(0.02)


def test_a_mail_opens_a_ticket_and_its_sender_gets_the_receipt(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """The subject and text become a ticket from the mail channel, the address not proven; the message is marked read."""
    deliver(mail_live, "Olga Operator <olga@example.com>", "Scanner at gate 2 beeps", "The scanner beeps twice and shows E-17.")
    [row] = read_all(mail_live, 1)
    assert row["outcome"] == "ticket"
    ticket = mail_agent.get(f"/api/tickets/{row['ticket_id']}").json()
    assert (ticket["subject"], ticket["channel"], ticket["identified_by"]) == ("Scanner at gate 2 beeps", "mail", "unproven")
    assert "<dd>mail</dd>" in mail_agent.get(f"/support/tickets/{row['ticket_id']}").text
    [receipt] = smtp.sink.wait_for(1, address="olga@example.com")
    assert receipt.message["Subject"] == f"[#{row['ticket_id']}] We received your request: Scanner at gate 2 beeps"
    assert not list((mail_live.data_dir / "inbox" / "new").iterdir()) and len(list((mail_live.data_dir / "inbox" / "cur").iterdir())) == 1


def test_a_reply_to_a_notification_joins_its_ticket_without_the_quoted_history(mail_live: Live, smtp: SmtpServer,
                                                                               mail_agent: Browser) -> None:
    """Answering the agent's reply mail adds the requester's reply (quote and signature cut); from another address: a note."""
    filed = mail_live.file()
    ticket_id = filed["ticket"]["id"]
    mail_agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Which station is it?"})
    mailed = smtp.sink.wait_for(2, address="olga@example.com")[1].message["Message-ID"]
    deliver(mail_live, "olga@example.com", f"Re: [#{ticket_id}] New reply", "Station 3.\n\n-- \nOlga, line 4\n\n"
            "On Mon, Support wrote:\n> Which station is it?", In_Reply_To=mailed)
    deliver(mail_live, "peter@example.com", "Re: your ticket", "I saw it too, at station 4.", References=mailed)
    assert [r["outcome"] for r in read_all(mail_live, 2)] == ["reply", "note"]
    messages = mail_agent.get(f"/api/tickets/{ticket_id}").json()["messages"]
    assert [(m["author_kind"], m["internal"], m["body"].split("\n")[0]) for m in messages[1:]] == [
        ("requester", False, "Station 3."),
        ("agent", True, "Mail from peter@example.com, who is not the requester (not shown to the requester):")]
    private = mail_live.client().get(f"/support/t/{filed['token']}").text
    assert "Station 3." in private and "station 4" not in private


def test_an_auto_reply_to_a_notification_creates_nothing_and_is_not_answered(mail_live: Live, smtp: SmtpServer,
                                                                            mail_agent: Browser) -> None:
    """Out-of-office answers, bounces and list mail are parked: no ticket, no reply on the ticket, no mail sent back."""
    filed = mail_live.file()
    receipt = smtp.sink.wait_for(1)[0].message["Message-ID"]
    deliver(mail_live, "olga@example.com", "Automatic reply: out of office", "I am out until Monday.",
            Auto_Submitted="auto-replied", In_Reply_To=receipt)
    deliver(mail_live, "MAILER-DAEMON@mail.example.com", "Undelivered Mail Returned to Sender", "The mail could not be delivered.",
            Return_Path="<>")
    deliver(mail_live, "news@vendor.example", "Our newsletter", "New products this month, read on.", Precedence="bulk")
    rows = read_all(mail_live, 3)
    assert [(r["outcome"], r["reason"]) for r in rows] == [("parked", "Auto-Submitted: auto-replied"),
                                                           ("parked", "empty return path (a bounce)"),
                                                           ("parked", "Precedence: bulk")]
    assert mail_live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 1
    assert len(mail_agent.get(f"/api/tickets/{filed['ticket']['id']}").json()["messages"]) == 0
    time.sleep(0.3)  # a few rounds of the sender
    assert len(smtp.sink.received) == 1  # the receipt only
    assert len(list((mail_live.data_dir / "inbox" / ".parked" / "cur").iterdir())) == 3


def test_the_same_message_delivered_twice_is_taken_once(mail_live: Live, smtp: SmtpServer) -> None:
    """A redelivery (same Message-ID) opens no second ticket."""
    for _ in range(2):
        deliver(mail_live, "olga@example.com", "Printer offline", "The label printer shows offline again.", Message_ID="<same@x.example>")
    deadline = time.monotonic() + 10
    while list((mail_live.data_dir / "inbox" / "new").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert mail_live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 1


def test_a_message_no_parser_can_read_is_parked_and_the_next_one_is_taken(mail_live: Live, smtp: SmtpServer) -> None:
    """A part in an unknown charset does not stop mail in: it is parked, and the mail behind it opens its ticket."""
    inbox = mail_live.data_dir / "inbox"
    for part in ("tmp", "new", "cur"):
        (inbox / part).mkdir(parents=True, exist_ok=True)
    (inbox / "new" / "0000000001.broken.test").write_bytes(
        b"From: olga@example.com\r\nSubject: broken\r\nMessage-ID: <broken@x.example>\r\n"
        b"Content-Type: text/plain; charset=no-such-charset\r\n\r\nHello there, this will not decode.\r\n")
    deliver(mail_live, "olga@example.com", "Printer offline", "The label printer shows offline again.")
    [row] = read_all(mail_live, 1)
    assert row["outcome"] == "ticket"
    assert [p.name.split(":")[0] for p in (inbox / ".parked" / "cur").iterdir()] == ["0000000001.broken.test"]


def test_an_agent_accepts_a_mail_from_another_address_as_the_requesters_reply(mail_live: Live, smtp: SmtpServer,
                                                                              mail_agent: Browser) -> None:
    """The note offers "Accept as the requester's reply" (CSRF-protected); accepted once, it is the requester's reply, in history."""
    filed = mail_live.file()
    ticket_id = filed["ticket"]["id"]
    receipt = smtp.sink.wait_for(1)[0].message["Message-ID"]
    deliver(mail_live, "olga.home@example.net", "Re: conveyor", "It is station 3, writing from home.", In_Reply_To=receipt)
    assert [r["outcome"] for r in read_all(mail_live, 1)] == ["note"]
    [note] = mail_agent.get(f"/api/tickets/{ticket_id}").json()["messages"]
    page = mail_agent.get(f"/support/tickets/{ticket_id}").text
    action = f"/support/tickets/{ticket_id}/messages/{note['id']}/accept"
    assert f'action="{action}"' in page and "Accept as the requester's reply" in page
    assert mail_agent.form(action, csrf=False).status_code == 403
    assert mail_live.client().form(action).status_code in (401, 403, 303)  # not an agent: refused or sent to sign in
    assert mail_agent.form(action).status_code == 303
    ticket = mail_agent.get(f"/api/tickets/{ticket_id}").json()
    assert [(m["author_kind"], m["internal"], m["body"]) for m in ticket["messages"]][1:] == [
        ("requester", False, "It is station 3, writing from home.")]
    assert any("accepted the mail from olga.home@example.net as the requester's reply" in h["note"] for h in ticket["history"])
    assert "It is station 3, writing from home." in mail_live.client().get(f"/support/t/{filed['token']}").text
    assert "Accepted as the requester's reply by Alex Agent" in mail_agent.get(f"/support/tickets/{ticket_id}").text
    assert mail_agent.form(action).status_code == 409

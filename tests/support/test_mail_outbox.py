"""The outbox through the running backend: .eml files with no SMTP server, retries, failures the admin sees and resends."""

from __future__ import annotations

import email
import email.policy
import time
from pathlib import Path
from typing import Any

from mail_harness import SmtpServer
from support_harness import Browser, Live


def wait_for_row(live: Live, check: Any, timeout: float = 10) -> dict:
    """Poll outbox row 1 until ``check(row)`` holds; the row."""
    deadline = time.monotonic() + timeout
    while True:
        row = live.app.state.store.one("SELECT * FROM outbox WHERE id = 1")
        if row and check(row):
            return row
        assert time.monotonic() < deadline, f"outbox row never got there: {row}"
        time.sleep(0.02)


def admin(live: Live) -> Browser:
    """A signed-in admin."""
    live.add_user("ada@example.com", "admin", "Ada Admin")
    browser = live.client()
    browser.login("ada@example.com")
    return browser


def test_without_an_smtp_server_each_message_is_an_eml_file_in_the_data_folder(live: Live) -> None:
    """The embedded default drops nothing: the receipt is written to <data dir>/mail/ as a complete message."""
    filed = live.file()
    folder = live.data_dir / "mail"
    deadline = time.monotonic() + 10
    while not list(folder.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.05)
    [path] = folder.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "olga@example.com"
    assert f"/support/t/{filed['token']}" in message.get_body(("plain",)).get_content()
    assert wait_for_row(live, lambda r: r["status"] == "sent")["attempts"] == 1
    assert "each message is written to" in admin(live).get("/support/admin/outbox").text


def test_a_busy_server_is_tried_again_later_and_the_admin_sees_its_answer(mail_live: Live, smtp: SmtpServer) -> None:
    """A 451 keeps the message queued with the answer shown; once the wait (30 s) has passed it is delivered."""
    smtp.sink.refuse = "451 4.2.1 Mailbox busy, try later"
    mail_live.file()
    row = wait_for_row(mail_live, lambda r: r["attempts"] == 1)
    assert (row["status"], row["last_error"]) == ("queued", "451 4.2.1 Mailbox busy, try later")
    page = admin(mail_live).get("/support/admin/outbox?status=queued")
    assert "451 4.2.1 Mailbox busy, try later" in page.text
    smtp.sink.refuse = None
    mail_live.clock.advance(seconds=31)
    [mail] = smtp.sink.wait_for(1)
    assert mail.message["Message-ID"].startswith(f"<outbox-1.{row['nonce']}@")
    assert wait_for_row(mail_live, lambda r: r["status"] == "sent")["attempts"] == 2


def test_a_refused_address_fails_at_once_and_the_admin_can_resend_it(mail_live: Live, smtp: SmtpServer) -> None:
    """A 550 is final: the outbox shows it failed with the server's words; Resend delivers it once the address works."""
    smtp.sink.refuse = "550 5.1.1 No such user here"
    mail_live.file()
    wait_for_row(mail_live, lambda r: r["status"] == "failed")
    ada = admin(mail_live)
    page = ada.get("/support/admin/outbox?status=failed")
    assert "550 5.1.1 No such user here" in page.text and "Resend" in page.text
    smtp.sink.refuse = None
    assert ada.form("/support/admin/outbox/1/resend").status_code == 303
    smtp.sink.wait_for(1)
    assert wait_for_row(mail_live, lambda r: r["status"] == "sent")["last_error"] is None


def test_the_outbox_is_for_admins_and_answers_bad_requests_plainly(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Agents are refused; an unknown message is a 404 page; resending a queued one is a 409 with the reason."""
    assert mail_agent.get("/support/admin/outbox").status_code == 403
    ada = admin(mail_live)
    assert ada.get("/support/admin/outbox/999").status_code == 404
    assert ada.get("/support/admin/outbox/not-a-number").status_code == 422
    smtp.sink.refuse = "451 4.2.1 Mailbox busy, try later"
    mail_live.file()
    wait_for_row(mail_live, lambda r: r["attempts"] == 1)
    answer = ada.form("/support/admin/outbox/1/resend")
    assert answer.status_code == 409 and "Message 1 is already queued" in answer.text
    shown = ada.get("/support/admin/outbox/1")
    assert shown.status_code == 200 and "We received your request" in shown.text
    assert "&lt;!doctype html&gt;" in shown.text  # the HTML part is shown as its source, not rendered into the page


def test_a_message_that_cannot_be_rendered_waits_alone_and_the_admin_sees_why(live: Live) -> None:
    """Its bodies are rendered when it is sent: one whose values lack what its template needs is tried again later
    (a release that mends the template delivers it), with the reason shown; the receipt queued beside it goes out."""
    store = live.app.state.store
    with store.tx():
        store.insert("outbox", {"kind": "ticket_received", "recipient": "broken@example.com", "ticket_id": None,
                                "subject": "A message from an older version", "text_body": "", "html_body": "",
                                "payload": '{"site_name": "Support portal"}', "nonce": "0123456789ab", "status": "queued",
                                "attempts": 0, "next_attempt_at": "2000-01-01T00:00:00+00:00", "created_at": "2000-01-01T00:00:00+00:00"})
    live.file()
    broken = wait_for_row(live, lambda r: r["attempts"] > 0)
    assert broken["status"] == "queued" and "could not be rendered" in broken["last_error"] and "ticket" in broken["last_error"]
    assert broken["next_attempt_at"] > broken["created_at"]  # later, with backoff
    deadline = time.monotonic() + 10
    while store.one("SELECT status FROM outbox WHERE id = 2")["status"] != "sent":
        assert time.monotonic() < deadline, "the receipt beside it was held up"
        time.sleep(0.05)
    ada = admin(live)
    page = ada.get("/support/admin/outbox?status=queued").text
    assert "A message from an older version" in page and "could not be rendered" in page
    shown = ada.get("/support/admin/outbox/1")
    assert shown.status_code == 200 and "could not be rendered" in shown.text

"""Journey by mail: file without an account, get the mail, prove the address, an agent replies, the requester answers
by mail, the ticket is resolved and rated. The server has no SMTP server set, so its mail is read from
``<data dir>/mail/*.eml``; mail in is delivered into ``<data dir>/inbox`` as an MTA would."""

from __future__ import annotations

import email
import email.policy
import re
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from e2e_harness import ACCOUNTS, PASSWORD, Browsing, Portal
from playwright.sync_api import Page, expect
from steps import sign_in

SUBJECT = "Barcode scanner at gate 2 beeps twice"
OLGA = ACCOUNTS["learner"][0]


def mail_to(portal: Portal, address: str, subject_part: str, timeout: float = 20) -> EmailMessage:
    """The first message written to ``<data dir>/mail`` for ``address`` whose subject contains ``subject_part``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted((portal.data_dir / "mail").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address and subject_part in message["Subject"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} about {subject_part!r}")


def link_in(message: EmailMessage, prefix: str) -> str:
    """The path of the first link in the plain-text part starting with ``prefix``."""
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s]*)", text).group(1)


def answer_by_mail(portal: Portal, to: EmailMessage, body: str) -> None:
    """Deliver the requester's answer to a portal mail into the portal's Maildir."""
    answer = EmailMessage()
    answer["From"], answer["To"], answer["Subject"] = OLGA, "support@localhost", f"Re: {to['Subject']}"
    answer["Message-ID"], answer["In-Reply-To"] = f"<{uuid.uuid4().hex}@mail.example.com>", to["Message-ID"]
    answer.set_content(f"{body}\n\nOn Monday, Support portal wrote:\n> {to.get_body(('plain',)).get_content()[:60]}")
    inbox: Path = portal.data_dir / "inbox"
    for part in ("tmp", "new", "cur"):
        (inbox / part).mkdir(parents=True, exist_ok=True)
    name = f"{time.time():.6f}.{uuid.uuid4().hex}.e2e"
    (inbox / "tmp" / name).write_bytes(answer.as_bytes())
    (inbox / "tmp" / name).rename(inbox / "new" / name)


def file_without_signing_in(page: Page) -> None:
    """The ticket form, filled and filed by someone not signed in."""
    page.goto("/support/tickets/new")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("What happened, and what did you expect?").fill("It beeps twice at every scan and shows E-17 on screen.")
    page.get_by_label("Your name").fill("Olga Operator")
    page.get_by_label("Your email").fill(OLGA)
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_text(SUBJECT).first).to_be_visible()


def test_a_requester_is_told_by_mail_proves_the_address_answers_by_mail_and_rates(browsing: Browsing, portal: Portal) -> None:
    """Every step a requester and an agent take when the desk talks by mail."""
    requester = browsing.new_page()
    file_without_signing_in(requester)
    receipt = mail_to(portal, OLGA, SUBJECT)

    requester.goto(link_in(receipt, "/support/prove/"))  # not signed in: the login form, then back to the proof
    requester.get_by_label("Email").fill(OLGA)
    requester.get_by_label("Password").fill(PASSWORD)
    requester.get_by_role("button", name="Sign in").click()
    requester.get_by_role("button", name="Add it to my tickets").click()
    requester.goto("/support/my")
    expect(requester.get_by_role("link", name=SUBJECT)).to_be_visible()
    ticket_id = int(re.search(r"\[#(\d+)\]", receipt["Subject"]).group(1))

    agent = browsing.new_page()
    sign_in(agent, ACCOUNTS["agent"][0])
    agent.goto(f"/support/tickets/{ticket_id}")
    expect(agent.get_by_text("(address proven by mail)")).to_be_visible()
    agent.get_by_label("Message").fill("Please clean the scanner window and tell us if it still beeps.")
    agent.get_by_role("button", name="Send").click()

    reply = mail_to(portal, OLGA, "New reply")
    assert "clean the scanner window" in reply.get_body(("html",)).get_content()
    answer_by_mail(portal, reply, "Cleaned it, no more beeping.")
    deadline = time.monotonic() + 20  # the server reads its Maildir every 5 s
    while requester.goto(f"/support/tickets/{ticket_id}") and not requester.get_by_text("Cleaned it, no more beeping.").count():
        assert time.monotonic() < deadline, "the answer by mail never reached the ticket"
        time.sleep(0.5)
    expect(requester.get_by_text("On Monday, Support portal wrote")).to_have_count(0)

    agent.goto(f"/support/tickets/{ticket_id}")
    agent.locator("#u-status").select_option("resolved")
    agent.get_by_role("button", name="Save changes").click()
    resolved = mail_to(portal, OLGA, "Resolved")
    rating = browsing.new_page()  # the rating link needs no sign-in
    rating.goto(link_in(resolved, "/support/rate/").replace("score=1", "score=5"))
    expect(rating.get_by_label("5")).to_be_checked()
    rating.get_by_label("Anything to add? (optional)").fill("Quick and clear.")
    rating.get_by_role("button", name="Send the rating").click()
    expect(rating.get_by_role("status")).to_have_text("Thank you: your rating is recorded.")
    browsing.assert_clean()

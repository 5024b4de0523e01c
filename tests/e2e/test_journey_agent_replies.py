"""An agent's reply, with the keyboard alone: take the ticket, keep a canned reply, use it, insert a KB article, send."""

from __future__ import annotations

from e2e_harness import ACCOUNTS, Browsing, Portal
from playwright.sync_api import Page, expect
from steps import sign_in, tab_to

SUBJECT = "Torque sensor at S04 reads zero"


def _file(portal: Portal) -> int:
    with portal.client() as client:
        filed = client.post("/api/tickets", json={
            "subject": SUBJECT, "requester_email": "tom@example.com", "requester_name": "Tom Technician",
            "description": "After the swap the torque reading stays at zero on every cycle."})
    return filed.json()["ticket"]["id"]


def _press(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def test_agent_takes_a_ticket_and_answers_with_a_canned_reply_and_an_article_by_keyboard(portal: Portal, browsing: Browsing) -> None:
    """Assign to me, a canned reply with placeholders, an inserted article: all by Tab and Enter; the article is linked."""
    ticket_id = _file(portal)
    page = browsing.new_page()
    sign_in(page, ACCOUNTS["agent"][0])

    page.goto("/support/replies")
    tab_to(page, "#t-title")
    page.keyboard.type("Zero calibration")
    tab_to(page, "#t-body")
    page.keyboard.type("Hello {requester_name}, about ticket {ticket_number}: please run the zero calibration.")
    tab_to(page, "#t-status")
    page.keyboard.press("ArrowDown")  # Keep -> open
    page.keyboard.press("ArrowDown")  # open -> pending
    _press(page, "form[action='/support/replies'] button[type=submit]")
    expect(page.get_by_role("status")).to_have_text("The canned reply was saved.")

    page.goto(f"/support/tickets/{ticket_id}")
    _press(page, "form[action$='/assign-me'] button")
    expect(page.get_by_role("status")).to_have_text(f"Ticket #{ticket_id} is assigned to you.")

    _press(page, "button[name=insert][value=template]")
    body = page.get_by_label("Message")
    expect(body).to_be_focused()
    expect(body).to_have_value(f"Hello Tom Technician, about ticket {ticket_id}: please run the zero calibration.")
    expect(page.get_by_label("Then set status")).to_have_value("pending")

    tab_to(page, "#kbq")
    page.keyboard.type("torque")
    page.keyboard.press("Enter")  # searches; the reply being written stays
    expect(page.locator("button[name=insert_article][value=replacing-a-torque-sensor]")).to_have_text(
        "Insert in reply: Replacing a torque sensor")
    expect(page.get_by_label("Message")).to_have_value(f"Hello Tom Technician, about ticket {ticket_id}: please run the zero calibration.")
    summary = _summary(page)
    tab_to(page, "button[name=insert_article][value=replacing-a-torque-sensor]")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Message")).to_have_value(
        f"Hello Tom Technician, about ticket {ticket_id}: please run the zero calibration.\n\nReplacing a torque sensor\n"
        "/articles/maintenance/replacing-a-torque-sensor/\n" + summary)
    _press(page, "#reply-form button:not([name]):not([formaction])")

    expect(page.locator("#latest")).to_contain_text("Replacing a torque sensor")
    expect(page.locator("#articles").get_by_role("link", name="Replacing a torque sensor")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("pending")
    browsing.assert_clean()


def _summary(page: Page) -> str:
    """The article's summary as the backend knows it."""
    return page.evaluate("() => fetch('/api/articles/replacing-a-torque-sensor').then(r => r.json()).then(a => a.summary)")

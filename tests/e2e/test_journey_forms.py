"""Forms that help, in Chromium: the error summary takes the focus and leads to each field, an error goes when its field
is fixed, and the focus lands on the confirmation after "This answered my question", a reply and an assignment."""

from __future__ import annotations

from e2e_harness import ACCOUNTS, Browsing, Portal
from playwright.sync_api import Page, expect
from steps import sign_in


def _focused(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.className")


def test_errors_lead_to_their_fields_and_confirmations_take_the_focus(portal: Portal, browsing: Browsing) -> None:
    """Summary focused, its link focuses the field, fixing clears it; deflection, reply and assignment confirmations focused."""
    page = browsing.new_page()
    page.goto("/support/tickets/new")
    page.get_by_label("Subject").fill("x")
    page.get_by_label("Your email").fill("paul@example.com")
    page.get_by_role("button", name="File ticket").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)  # subject too short, description missing
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Subject")).to_be_focused()
    page.keyboard.type("Torque sensor reads zero after replacing it")
    expect(page.locator("#subject-error")).to_have_count(0)
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.get_by_label("Subject")).not_to_have_attribute("aria-invalid", "true")

    page.get_by_label("What happened, and what did you expect?").fill("After replacing the torque sensor it reads zero.")
    answered = page.get_by_role("button", name="This answered my question").first
    answered.click()
    expect(page.get_by_text("Thanks, we recorded that this answered your question.")).to_be_focused()
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_role("status").first).to_contain_text("Your ticket was filed.")
    ticket_id = page.evaluate("() => fetch('/api/t/' + location.pathname.split('/').pop()).then(r => r.json()).then(t => t.id)")

    agent = browsing.new_page()
    sign_in(agent, ACCOUNTS["agent"][0])
    agent.goto(f"/support/tickets/{ticket_id}")
    agent.get_by_role("button", name="Assign to me").click()
    expect(agent.locator("#assigned")).to_be_focused()
    agent.get_by_label("Message").fill("Please run the zero calibration.")
    agent.locator("#reply-form button:not([name]):not([formaction])").click()
    expect(agent.locator("#sent")).to_be_focused()
    expect(agent.locator("#sent")).to_have_text("Your reply was sent.")
    assert [e for e in browsing.console_errors if "status of 422" not in e] == []  # the refused form's own answer
    assert not browsing.outside_requests()

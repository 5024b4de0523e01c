"""Journey of a requester and an agent: from an article's "Need help?" link to a ticket, its answer and its private link."""

from __future__ import annotations

import re

from e2e_harness import ACCOUNTS, Browsing
from playwright.sync_api import Page, expect
from steps import expect_page_heading, sign_in, tab_to

ARTICLE_URL = "/articles/maintenance/replacing-a-torque-sensor/"
ARTICLE = "Replacing a torque sensor"
SUBJECT = "Torque readings drift after the sensor swap"
DESCRIPTION = "After replacing the torque sensor at S04 the daily check fails with alarm TQ-210 and the calibration drifts."
ANSWER = "Done: after the zero calibration the daily check passes and TQ-210 is gone."
REPLY = "Please run the torque daily check again after the zero calibration; the steps are in the linked article."


def test_requester_files_ticket_from_help_link_and_sees_the_agents_reply(browsing: Browsing) -> None:
    """A reader asks for help from an article, is shown suggestions, files a ticket; an agent answers it."""
    requester = browsing.new_page()

    open_help_form_from_article(requester)
    suggested = describe_problem_and_see_suggestions(requester)
    say_a_suggestion_answered_the_question(requester)
    private_link = file_the_ticket(requester)

    agent = browsing.new_page()
    sign_in(agent, ACCOUNTS["agent"][0])
    open_ticket_from_queue(agent)
    reply_and_link_article(agent, suggested)
    check_deflection_was_recorded_once(agent)

    see_reply_through_private_link(requester, private_link, suggested)
    reply_through_private_link(requester)
    see_requester_reply_in_agent_view(agent)
    browsing.assert_clean()


def test_ticket_form_can_be_filled_and_filed_with_the_keyboard_alone(browsing: Browsing) -> None:
    """Every field of the ticket form is reachable and usable with Tab, typing, arrows and Enter."""
    page = browsing.new_page()
    page.goto("/support/tickets/new")
    keys = page.keyboard
    tab_to(page, "#subject")
    keys.type("Scanner at S01 does not read labels")
    tab_to(page, "#description")
    keys.type("The barcode scanner at S01 beeps but no serial number appears on the terminal.")
    tab_to(page, "#requester_name")
    keys.type("Kim Keyboard")
    tab_to(page, "#requester_email")
    keys.type("kim@example.com")
    tab_to(page, "#category")
    keys.press("ArrowDown")  # the next category
    tab_to(page, "input[name=priority]:checked")
    keys.press("ArrowUp")  # P3 -> P2
    tab_to(page, "button[value=file]")
    keys.press("Enter")

    expect(page.get_by_text("Your ticket was filed.")).to_be_visible()
    expect_page_heading(page, re.compile(r"Ticket #\d+: Scanner at S01 does not read labels"))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("P2")
    expect(facts).to_contain_text("Problem")
    browsing.assert_clean()


def open_help_form_from_article(page: Page) -> None:
    page.goto(ARTICLE_URL)
    expect_page_heading(page, ARTICLE)
    page.get_by_role("link", name="Need help with this page? Ask support").click()
    expect_page_heading(page, f"Need help with “{ARTICLE}”?")
    expect(page.locator(".context").get_by_role("link", name=ARTICLE)).to_have_attribute("href", re.compile(f"{ARTICLE_URL}$"))
    expect(page.locator("input[name=page_id]")).to_have_value("replacing-a-torque-sensor")


def describe_problem_and_see_suggestions(page: Page) -> str:
    """Type the problem; suggestions appear as one types. Returns the first suggested article's title."""
    page.get_by_label("Subject").press_sequentially(SUBJECT)
    page.get_by_label("What happened, and what did you expect?").press_sequentially(DESCRIPTION)
    suggestions = page.locator("#suggestions .suggestion-list > li")
    expect(suggestions.first).to_be_visible()
    expect(suggestions.get_by_role("link", name=ARTICLE, exact=True)).to_have_count(0)  # not the page they came from
    return suggestions.first.get_by_role("link").inner_text()


def say_a_suggestion_answered_the_question(page: Page) -> None:
    first = page.locator("#suggestions .suggestion-list > li").first
    first.get_by_role("button", name="This answered my question").click()
    expect(first.get_by_role("status")).to_have_text(re.compile("we recorded that this answered your question"))
    expect(first.get_by_role("button", name="This answered my question")).to_have_count(0)


def file_the_ticket(page: Page) -> str:
    """Still stuck: add name and email, choose the urgency, file. Returns the private link."""
    page.get_by_label("Your name").fill("Tom Technician")
    page.get_by_label("Your email").fill("tom@example.com")
    page.get_by_label("P2: production is impaired").check()
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_text("Your ticket was filed.")).to_be_visible()
    expect_page_heading(page, re.compile(rf"Ticket #\d+: {SUBJECT}"))
    assert re.fullmatch(r".*/support/t/[\w-]{40,}", page.url), page.url  # the address to bookmark, nothing appended
    return page.url


def open_ticket_from_queue(page: Page) -> None:
    page.get_by_role("link", name="Queue", exact=True).click()
    expect_page_heading(page, "Ticket queue")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=SUBJECT))
    expect(row).to_contain_text("P2")
    expect(row).to_contain_text("Tom Technician")
    row.get_by_role("link", name=SUBJECT).click()
    expect_page_heading(page, re.compile(rf"Ticket #\d+: {SUBJECT}"))


def reply_and_link_article(page: Page, title: str) -> None:
    page.get_by_label("Message").fill(REPLY)
    page.get_by_label("Then set status").select_option("pending")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#latest")).to_contain_text(REPLY)
    page.get_by_label("Search the knowledge base").fill(title)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name=f"Link {title}", exact=True).first.click()
    linked = page.locator("#articles ul.links").first
    expect(linked.get_by_role("link", name=title, exact=True)).to_be_visible()


def check_deflection_was_recorded_once(page: Page) -> None:
    page.get_by_role("link", name="Reports", exact=True).click()
    expect_page_heading(page, "Support reports")
    table = page.get_by_role("table", name="Deflection")
    expect(table).to_be_visible()  # all_inner_texts() does not wait: read the new page, not the ticket view
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    cells = [c.strip() for c in table.get_by_role("cell").all_inner_texts()]
    row = dict(zip(headers, cells))
    assert row["answered clicks"] == "1", row
    assert row["forms with suggestions"] == "1", row


def see_reply_through_private_link(page: Page, private_link: str, title: str) -> None:
    page.goto(private_link)
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.locator(".status")).to_have_text("pending")
    expect(page.get_by_role("heading", name="Related articles")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=title, exact=True)).to_be_visible()


def reply_through_private_link(page: Page) -> None:
    """The requester answers from the private link's own form (Chromium sends the page's real Origin with it)."""
    expect(page.get_by_text("Your ticket was filed.")).to_have_count(0)  # said once, when it was filed
    page.get_by_label("Your reply").fill(ANSWER)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#latest")).to_contain_text(ANSWER)
    expect(page.locator(".status")).to_have_text("open")  # the reply reopened the pending ticket


def see_requester_reply_in_agent_view(page: Page) -> None:
    open_ticket_from_queue(page)
    expect(page.locator("#latest")).to_contain_text(ANSWER)
    expect(page.get_by_text("address not proven")).to_be_visible()  # Tom filed without signing in

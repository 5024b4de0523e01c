"""An agent's day in Chromium, CSP enforced: the queue updates itself, a colleague on the same ticket is named, a tag
by keyboard, a saved view, a duplicate merged; the new states fit a phone and have no axe violations."""

from __future__ import annotations

from e2e_harness import ACCOUNTS, Browsing, Portal, axe_violations, describe_violations
from playwright.sync_api import Page, expect
from steps import sign_in, tab_to

SAM = ("sam@example.com", "agent", "Sam Agent")


def _file(portal: Portal, subject: str, email: str = "tom@example.com") -> int:
    with portal.client() as client:
        filed = client.post("/api/tickets", json={"subject": subject, "requester_email": email, "requester_name": "Tom Technician",
                                                   "description": "The reading stays at zero on every cycle since the swap."})
    return filed.json()["ticket"]["id"]


def _fits_a_phone(page: Page, what: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{what} is {width[0]} px wide at 390 px"
    violations = axe_violations(page)
    assert not violations, f"{what}: {describe_violations(violations)}"


def test_an_agents_day_in_the_queue_and_on_a_ticket(portal: Portal, browsing: Browsing) -> None:
    """Live queue, presence, a tag and a saved view by keyboard, a merge; then each new state checked at 390 px with axe."""
    portal.add_users(SAM)
    target = _file(portal, "Torque sensor at S04 reads zero")
    duplicate = _file(portal, "S04 torque shows 0 Nm", email="petra@example.com")

    alex = browsing.new_page()
    alex.add_init_script("window.queuePollMs = 300; window.presencePollMs = 300;")
    sign_in(alex, ACCOUNTS["agent"][0])
    alex.goto("/support/queue?status=all&sort=newest")
    newcomer = _file(portal, "Scanner gun at S02 lost its pairing")
    expect(alex.locator("table.queue")).to_contain_text("Scanner gun at S02 lost its pairing")
    expect(alex.locator("#queue-live")).to_contain_text("Queue updated at")
    assert newcomer > duplicate

    alex.goto(f"/support/tickets/{target}")
    sam = browsing.new_page()
    sign_in(sam, SAM[0])
    sam.goto(f"/support/tickets/{target}")
    expect(sam.locator("#presence")).to_have_text("Also open by Alex Agent: check before you reply.")
    expect(alex.locator("#presence")).to_have_text("Also open by Sam Agent: check before you reply.")

    tab_to(alex, "#tag")
    alex.keyboard.type("Line 4")
    alex.keyboard.press("Enter")
    expect(alex.get_by_role("status").filter(has_text="Tag added.")).to_be_visible()
    alex.locator("#tags").get_by_role("link", name="line-4").click()
    expect(alex.locator("table.queue tbody tr")).to_have_count(1)
    tab_to(alex, "#view_name")
    alex.keyboard.type("Line 4 tickets")
    alex.keyboard.press("Enter")
    expect(alex.locator("#view-saved")).to_have_text("Saved these filters as a view.")
    expect(alex.locator("#views a[aria-current=page]")).to_have_text("Line 4 tickets")

    alex.goto(f"/support/tickets/{duplicate}")
    tab_to(alex, "#target_id")
    alex.keyboard.type(str(target))
    alex.keyboard.press("Enter")
    expect(alex.locator("#merged")).to_have_text(f"Ticket #{duplicate} was merged into this ticket; its requester was told by mail.")
    expect(alex.locator("#latest")).to_contain_text("S04 torque shows 0 Nm")
    browsing.assert_clean()

    checker = browsing.new_page(bypass_csp=True)
    sign_in(checker, ACCOUNTS["agent"][0])
    for what, path in [("ticket with tags, a merge and a colleague on it", f"/support/tickets/{target}?merged={duplicate}"),
                       ("merged duplicate", f"/support/tickets/{duplicate}"),
                       ("queue by tag with a saved view", "/support/queue?tag=line-4&saved=1"),
                       ("reports over a range", "/support/reports?from=2020-01-01&to=2030-12-31"),
                       ("reports with a bad date", "/support/reports?from=2026-13-45"),
                       ("account with a time zone", "/support/account?zone=1")]:
        checker.set_viewport_size({"width": 1280, "height": 900})
        checker.goto(path)
        _fits_a_phone(checker, what)

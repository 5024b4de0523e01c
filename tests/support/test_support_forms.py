"""Forms that help, over HTTP: the error summary's links, confirmations to focus, the queue without tickets, the users page."""

from __future__ import annotations

import re

from support_harness import PASSWORD, Browser, Live, form_id_from


def test_the_ticket_form_error_summary_links_each_bad_field(live: Live) -> None:
    """A refused ticket form starts with a focusable summary whose links point at the fields' ids."""
    client = live.client()
    page = client.get("/support/tickets/new")
    response = client.post("/support/tickets/new", data={"csrf_token": client.csrf(), "form_id": form_id_from(page.text),
                                                         "subject": "x", "description": "short", "requester_email": "nope"})
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1" data-focus.*?</div>', response.text, re.S).group(0)
    targets = re.findall(r'<a href="#([^"]+)"', summary)
    assert targets == ["subject", "description", "requester_email"]
    for target in targets:
        assert f'id="{target}"' in response.text and f'aria-describedby="{target}-error"' in response.text


def test_confirmations_after_reply_update_and_assignment_and_no_bulk_bar_on_an_empty_queue(live: Live, agent: Browser) -> None:
    """Each action comes back to a page whose confirmation takes the focus; an empty queue offers no bulk assignment."""
    assert 'id="bulk-assignee"' not in agent.get("/support/queue").text
    ticket_id = live.file()["ticket"]["id"]
    assert 'id="bulk-assignee"' in agent.get("/support/queue").text
    sent = agent.form(f"/support/tickets/{ticket_id}/reply", {"body": "Please restart the scanner."})
    assert sent.headers["location"] == f"/support/tickets/{ticket_id}?sent=1#sent"
    assert 'id="sent" tabindex="-1" data-focus>Your reply was sent.' in agent.get(sent.headers["location"]).text
    updated = agent.form(f"/support/tickets/{ticket_id}/update", {"priority": "P2"})
    assert 'data-focus>Ticket #%d was updated.' % ticket_id in agent.get(updated.headers["location"]).text
    assigned = agent.form("/support/queue/assign", {"assign_me": str(ticket_id)})
    assert "data-focus>1 ticket assigned." in agent.get(assigned.headers["location"]).text


def test_admins_edit_names_and_reset_passwords_but_cannot_disable_themselves(live: Live) -> None:
    """Save a name, reset a password (the old one and its sessions stop working), and no Disable on one's own row."""
    admin_user = live.add_user("ada@example.com", "admin", "Ada")
    olga = live.add_user("olga@example.com", "requester", "Olga")
    admin, old_session = live.client(), live.client()
    admin.login("ada@example.com")
    old_session.login("olga@example.com")
    page = admin.get("/support/admin/users").text
    own_row = page[page.index("ada@example.com"):page.index("olga@example.com")]
    assert 'value="disable"' not in own_row and 'value="disable"' in page[page.index("olga@example.com"):]
    renamed = admin.form(f"/support/admin/users/{olga['id']}/name", {"name": "Olga Operator"})
    assert "The name was saved." in admin.get(renamed.headers["location"]).text
    short = admin.form(f"/support/admin/users/{olga['id']}/password", {"password": "abc"})
    assert short.status_code == 422 and f'href="#password-{olga["id"]}"' in short.text and "<details class=\"edit-user\" open>" in short.text
    reset = admin.form(f"/support/admin/users/{olga['id']}/password", {"password": "a new long password"})
    assert "sessions were ended" in admin.get(reset.headers["location"]).text
    assert old_session.get("/support/my").status_code == 303
    assert live.client().form("/support/login", {"email": "olga@example.com", "password": PASSWORD}).status_code != 303
    live.client().login("olga@example.com", "a new long password")
    assert admin.form(f"/support/admin/users/{admin_user['id']}", {"action": "disable"}).status_code == 403
    assert live.app.state.store.one("SELECT name FROM users WHERE id = ?", [olga["id"]])["name"] == "Olga Operator"

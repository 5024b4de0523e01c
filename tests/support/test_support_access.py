"""Access rules: every role against every page and endpoint, internal notes never reaching requesters."""

from __future__ import annotations

import itertools

import pytest

ROLES = ("anon", "owner", "other", "agent", "admin")
# (method, path, json body or form, expected status per role in ROLES order); {id} {token} {other} are filled in.
PAGES = [
    ("GET", "/support/", None, (200, 200, 200, 200, 200)),
    ("GET", "/support/tickets/new", None, (200, 200, 200, 200, 200)),
    ("GET", "/support/t/{token}", None, (200, 200, 200, 200, 200)),
    ("GET", "/support/t/not-a-real-token", None, (404, 404, 404, 404, 404)),
    ("GET", "/support/my", None, (303, 200, 200, 200, 200)),
    ("GET", "/support/queue", None, (303, 403, 403, 200, 200)),
    ("GET", "/support/tickets/{id}", None, (303, 200, 404, 200, 200)),
    ("GET", "/support/tickets/999", None, (303, 404, 404, 404, 404)),
    ("GET", "/support/articles", None, (303, 403, 403, 200, 200)),
    ("GET", "/support/articles/clear-conveyor-jam", None, (303, 403, 403, 200, 200)),
    ("GET", "/support/reports", None, (303, 403, 403, 200, 200)),
    ("GET", "/support/reports/backlog.csv", None, (303, 403, 403, 200, 200)),
    ("GET", "/support/admin/users", None, (303, 403, 403, 403, 200)),
    ("POST", "/support/tickets/{id}/update", {"priority": "P3"}, (303, 403, 403, 303, 303)),
    ("POST", "/support/tickets/{id}/reply", {"body": "Any news?"}, (303, 303, 404, 303, 303)),
    ("POST", "/support/queue/assign", {"ids": "{id}", "assignee_id": ""}, (303, 403, 403, 303, 303)),
    ("POST", "/support/articles/rebuild-index", {}, (303, 403, 403, 403, 303)),
    ("POST", "/support/admin/users", {"email": "new-{role}@example.com", "role": "agent", "password": "long enough pw"},
     (303, 403, 403, 403, 303)),
]
API = [
    ("GET", "/api/session", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/suggestions?q=conveyor", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/t/{token}", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/tickets", None, (401, 200, 200, 200, 200)),
    ("GET", "/api/tickets/{id}", None, (401, 200, 404, 200, 200)),
    ("GET", "/api/articles/clear-conveyor-jam", None, (401, 403, 403, 200, 200)),
    ("GET", "/api/reports/tickets", None, (401, 403, 403, 200, 200)),
    ("GET", "/api/admin/users", None, (401, 403, 403, 403, 200)),
    ("POST", "/api/tickets", {"subject": "Filler leaks", "description": "The filler leaks at nozzle 4.",
                              "requester_email": "x@example.com"}, (201, 422, 422, 201, 201)),  # requesters: own address only
    ("POST", "/api/t/{token}/replies", {"body": "Still broken"}, (201, 201, 201, 201, 201)),
    ("POST", "/api/deflections", {"article_id": "recipe-change"}, (200, 200, 200, 200, 200)),  # no form showed it: not counted
    ("PATCH", "/api/tickets/{id}", {"priority": "P3"}, (401, 403, 403, 200, 200)),
    ("POST", "/api/tickets/{id}/messages", {"body": "Update?"}, (401, 201, 404, 201, 201)),
    ("POST", "/api/tickets/{id}/articles", {"article_id": "recipe-change"}, (401, 403, 403, 201, 201)),
    ("DELETE", "/api/tickets/{id}/articles/no-such-link", None, (401, 403, 403, 404, 404)),
    ("POST", "/api/admin/users", {"email": "api-{role}@example.com", "password": "long enough pw"}, (401, 403, 403, 403, 201)),
    ("PATCH", "/api/admin/users/{other}", {"role": "requester"}, (401, 403, 403, 403, 200)),
    ("POST", "/api/admin/kb/rebuild", None, (401, 403, 403, 403, 200)),
]


def fill(value: object, world: dict, role: str) -> object:
    """Substitute the world's ids and the role into a path or body."""
    if isinstance(value, str):
        return value.format(id=world["ticket_id"], token=world["token"], other=world["other_id"], role=role)
    if isinstance(value, dict):
        return {k: fill(v, world, role) for k, v in value.items()}
    return value


def cases(table: list) -> list:
    """One pytest param per (endpoint, role)."""
    return [pytest.param(m, p, b, role, expected[i], id=f"{role}-{m}-{p}")
            for (m, p, b, expected), (i, role) in itertools.product(table, enumerate(ROLES))]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), cases(PAGES))
def test_page_access(world: dict, method: str, path: str, body: dict | None, role: str, expected: int) -> None:
    """Each role gets the expected status from each backend page (303 for anonymous means: sent to sign in)."""
    browser = world["browsers"][role]
    url = fill(path, world, role)
    response = browser.get(url) if method == "GET" else browser.form(url, fill(body, world, role))
    assert response.status_code == expected, response.text[:300]
    if expected == 303 and role == "anon":
        assert response.headers["location"].startswith("/support/login?next=")


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), cases(API))
def test_api_access(world: dict, method: str, path: str, body: dict | None, role: str, expected: int) -> None:
    """Each role gets the expected status from each API endpoint, with a JSON body either way."""
    response = world["browsers"][role].api(method, fill(path, world, role), fill(body, world, role))
    assert response.status_code == expected, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")


def test_internal_notes_never_reach_the_requester(world: dict) -> None:
    """An internal note shows to agents but not in the private page, the token API or the owner's API view."""
    browsers, ticket_id, token = world["browsers"], world["ticket_id"], world["token"]
    browsers["agent"].api("POST", f"/api/tickets/{ticket_id}/messages", {"body": "SECRET-NOTE: requester is on probation", "internal": True})
    assert "SECRET-NOTE" in browsers["agent"].get(f"/support/tickets/{ticket_id}").text
    assert "SECRET-NOTE" in browsers["agent"].get(f"/api/tickets/{ticket_id}").text
    for response in (browsers["anon"].get(f"/support/t/{token}"), browsers["anon"].get(f"/api/t/{token}"),
                     browsers["owner"].get(f"/support/tickets/{ticket_id}"), browsers["owner"].get(f"/api/tickets/{ticket_id}"),
                     browsers["owner"].get("/api/tickets")):
        assert response.status_code == 200 and "SECRET-NOTE" not in response.text
    assert "history" not in browsers["owner"].get(f"/api/tickets/{ticket_id}").json()


def test_requester_cannot_post_an_internal_note(world: dict) -> None:
    """A requester asking for ``internal: true`` gets a public reply, never a hidden one."""
    response = world["browsers"]["owner"].api("POST", f"/api/tickets/{world['ticket_id']}/messages", {"body": "hello", "internal": True})
    assert response.status_code == 201 and response.json()["internal"] is False


def test_disabled_account_loses_its_session(world: dict) -> None:
    """Disabling an account ends its access at the next request."""
    live, browsers = world["live"], world["browsers"]
    live.add_user("temp-agent@example.com", "agent")
    temp = live.client()
    temp.login("temp-agent@example.com")
    assert temp.get("/api/reports/tickets").status_code == 200
    user_id = live.app.state.store.one("SELECT id FROM users WHERE email = 'temp-agent@example.com'")["id"]
    assert browsers["admin"].api("PATCH", f"/api/admin/users/{user_id}", {"disabled": True}).status_code == 200
    assert temp.get("/api/reports/tickets").status_code == 401

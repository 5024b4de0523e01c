"""Numbers out of range: ids past SQLite's 64 bits, huge page numbers and odd digits get a 422 naming the field.

SQLite stores integers in 64 bits; a larger Python int made its driver raise ``OverflowError``, a 500.
Every id a client sends is now 1 to 2**63 - 1 (``support.schemas.Id``), a page 1 to 1,000,000.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from assessments_harness import ALL_TYPES, REPO, begin, learner
from support_harness import Browser, Live, start_server, stop_server

HUGE = "99999999999999999999999"
TOO_BIG_ID = "Input should be less than or equal to 9223372036854775807"
TOO_BIG_PAGE = "Input should be less than or equal to 1000000"

API_ROUTES = [
    ("GET", "/api/tickets/{n}", "ticket_id", None),
    ("PATCH", "/api/tickets/{n}", "ticket_id", {"priority": "P1"}),
    ("POST", "/api/tickets/{n}/messages", "ticket_id", {"body": "Hello"}),
    ("POST", "/api/tickets/{n}/articles", "ticket_id", {"article_id": "clear-conveyor-jam"}),
    ("DELETE", "/api/tickets/{n}/articles/clear-conveyor-jam", "ticket_id", None),
    ("GET", "/api/attempts/{n}", "attempt_id", None),
    ("PUT", "/api/attempts/{n}/answers", "attempt_id", {"answers": {}}),
    ("POST", "/api/attempts/{n}/submit", "attempt_id", {}),
    ("GET", "/api/attempts/{n}/result", "attempt_id", None),
    ("GET", "/api/certificates/{n}", "cert_id", None),
    ("PATCH", "/api/admin/users/{n}", "user_id", {"role": "agent"}),
]
PAGES = [
    ("/support/tickets/{n}", "ticket_id"),
    ("/support/attempts/{n}", "attempt_id"),
    ("/support/attempts/{n}/result", "attempt_id"),
    ("/support/certificates/{n}", "cert_id"),
]
FORMS = [
    ("/support/tickets/{n}/reply", "ticket_id", {"body": "Hello"}),
    ("/support/tickets/{n}/update", "ticket_id", {"priority": "P1"}),
    ("/support/tickets/{n}/articles", "ticket_id", {"article_id": "clear-conveyor-jam"}),
    ("/support/tickets/{n}/articles/clear-conveyor-jam/unlink", "ticket_id", {}),
    ("/support/attempts/{n}", "attempt_id", {"action": "save"}),
    ("/support/certificates/{n}/revoke", "cert_id", {"reason": "test"}),
    ("/support/admin/users/{n}", "user_id", {"action": "disable"}),
]


@pytest.mark.parametrize(("method", "route", "name", "body"), API_ROUTES)
def test_an_id_past_64_bits_in_an_api_path_is_a_422_naming_it(world: dict, method: str, route: str, name: str, body: Any) -> None:
    """``GET /api/tickets/99999999999999999999999`` and its kind answer 422 with the parameter and its limit."""
    response = world["browsers"]["admin"].api(method, route.format(n=HUGE), body)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["path", name], "msg": TOO_BIG_ID, "type": "less_than_equal"}]


@pytest.mark.parametrize("value", ["0", "-1"])
def test_ids_start_at_one(world: dict, value: str) -> None:
    """Zero and negative ids are refused the same way, naming the parameter."""
    response = world["browsers"]["agent"].get(f"/api/tickets/{value}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["path", "ticket_id"]


def test_the_largest_id_is_a_plain_404(world: dict) -> None:
    """2**63 - 1 is a valid id that names no ticket: an honest 404."""
    response = world["browsers"]["agent"].get("/api/tickets/9223372036854775807")
    assert (response.status_code, response.json()) == (404, {"detail": "Ticket 9223372036854775807 not found"})


@pytest.mark.parametrize(("route", "name"), PAGES)
def test_an_id_past_64_bits_in_a_page_address_is_a_422_page(world: dict, route: str, name: str) -> None:
    """A backend page with such an id shows the error page naming the parameter, not a traceback."""
    page = world["browsers"]["admin"].get(route.format(n=HUGE))
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert f"Invalid request: {name}: {TOO_BIG_ID}" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize(("route", "name", "data"), FORMS)
def test_an_id_past_64_bits_in_a_form_address_is_a_422_page(world: dict, route: str, name: str, data: dict) -> None:
    """Posting a form to such an address is refused the same way."""
    page = world["browsers"]["admin"].form(route.format(n=HUGE), data)
    assert page.status_code == 422 and f"{name}: {TOO_BIG_ID}" in page.text


def test_a_huge_page_number_is_a_422_naming_page(world: dict) -> None:
    """``?page=9223372036854775807`` on the ticket list and the queue is refused; the last allowed page is just empty."""
    agent = world["browsers"]["agent"]
    api = agent.get("/api/tickets", params={"page": "9223372036854775807"})
    assert api.status_code == 422
    assert api.json()["detail"] == [{"loc": ["query", "page"], "msg": TOO_BIG_PAGE, "type": "less_than_equal"}]
    page = agent.get("/support/queue", params={"page": "9223372036854775807"})
    assert page.status_code == 422 and f"Invalid request: page: {TOO_BIG_PAGE}" in page.text
    last = agent.get("/api/tickets", params={"page": "1000000"})
    assert last.status_code == 200 and last.json()["tickets"] == []


@pytest.mark.parametrize("value", [HUGE, "²", "someone"])
def test_a_bad_assignee_filter_is_a_422_naming_it(world: dict, value: str) -> None:
    """The queue's assignee filter takes 'me', 'none' or an id; anything else is refused by name."""
    response = world["browsers"]["agent"].get("/api/tickets", params={"assignee": value})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "assignee"]
    assert world["browsers"]["agent"].get("/support/queue", params={"assignee": value}).status_code == 422


def test_a_huge_assignee_in_an_api_update_is_a_422(world: dict) -> None:
    """``PATCH /api/tickets/N`` with an assignee id past 64 bits names the body field."""
    response = world["browsers"]["agent"].api("PATCH", f"/api/tickets/{world['ticket_id']}", {"assignee_id": int(HUGE)})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "assignee_id"], "msg": TOO_BIG_ID, "type": "less_than_equal"}]


def test_a_huge_assignee_in_the_ticket_form_is_shown_on_the_page(world: dict) -> None:
    """The ticket page's update form re-renders with the message and changes nothing."""
    agent, ticket_id = world["browsers"]["agent"], world["ticket_id"]
    page = agent.form(f"/support/tickets/{ticket_id}/update", {"priority": "P1", "assignee_id": HUGE})
    assert page.status_code == 422 and f"assignee_id: {TOO_BIG_ID}" in page.text
    assert agent.get(f"/api/tickets/{ticket_id}").json()["priority"] == "P3"


@pytest.mark.parametrize(("data", "field"), [({"ids": [HUGE], "assignee_id": ""}, "ids.0"),
                                             ({"ids": ["1"], "assignee_id": HUGE}, "assignee_id"),
                                             ({"ids": ["²"], "assignee_id": ""}, "ids.0")])
def test_bulk_assign_with_bad_numbers_is_a_422_naming_the_field(world: dict, data: dict, field: str) -> None:
    """The queue's bulk-assign form refuses ids past 64 bits or in other digits, naming the field."""
    page = world["browsers"]["agent"].form("/support/queue/assign", data)
    assert page.status_code == 422 and f"Invalid request: {field}: " in page.text


@pytest.fixture(scope="module")
def quiz_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A backend with the all-types quiz (and the small test KB)."""
    tmp = tmp_path_factory.mktemp("quiz")
    (tmp / "quizzes").mkdir()
    (tmp / "quizzes" / "all-types.yml").write_bytes(ALL_TYPES.read_bytes())
    server, thread, live = start_server(tmp, portal_dir=REPO, quizzes_dir=tmp / "quizzes")
    yield live
    stop_server(server, thread, live)


def test_an_ordering_position_in_other_digits_is_a_form_error(quiz_live: Live) -> None:
    """'²' passes ``str.isdigit`` but is no number: the attempt form shows "Choose from the lists" beside the question."""
    browser = learner(quiz_live, "una@example.com")
    attempt = begin(browser)
    question = next(q for q in attempt["questions"] if q["type"] == "ordering")
    fields = {f"q-{question['id']}.{k}": "²" if k == 0 else str(k) for k in range(len(question["items"]))}
    page = browser.form(f"/support/attempts/{attempt['id']}", {**fields, "action": "save"})
    assert page.status_code == 422 and "Choose from the lists" in page.text


def test_answers_with_a_lone_surrogate_are_a_422(quiz_live: Live) -> None:
    """``"\\ud800"`` is valid JSON but no Unicode text: saving it as an answer names the answers field."""
    browser = learner(quiz_live, "ivo@example.com")
    attempt = begin(browser)
    response = browser.request("PUT", f"/api/attempts/{attempt['id']}/answers", content=b'{"answers": {"oee-factor": "\\ud800"}}',
                               headers={"Content-Type": "application/json", "X-CSRF-Token": browser.csrf()})
    assert response.status_code == 422
    message = "Value error, the answers hold text that is not valid Unicode (a lone surrogate such as \\ud800)"
    assert response.json()["detail"] == [{"loc": ["body", "answers"], "msg": message, "type": "value_error"}]

"""Bad input: 422 with per-field messages, 404 for unknown ids and paths, forms re-rendered with the text kept."""

from __future__ import annotations

from support_harness import Browser, Live


def test_malformed_ticket_gets_422_with_a_message_per_field(live: Live) -> None:
    """Each invalid field of a new ticket is named with its own message."""
    response = live.client().post("/api/tickets", json={"subject": "x", "requester_email": "not-an-email", "priority": "P9"})
    assert response.status_code == 422
    fields = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert fields[("body", "subject")] == "String should have at least 3 characters"
    assert fields[("body", "description")] == "Field required"
    assert fields[("body", "priority")] == "Input should be 'P1', 'P2', 'P3' or 'P4'"
    assert ("body", "requester_email") in fields


def test_unknown_category_gets_422_naming_the_choices(live: Live) -> None:
    """A category that is not configured is refused with the list of valid ones."""
    response = live.client().post("/api/tickets", json={"subject": "Filler leaks", "description": "Nozzle 4 drips all day.",
                                                        "requester_email": "a@b.co", "category": "Gossip"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "category"], "msg": "Choose one of: Question, Problem, Access request, Documentation feedback",
                                          "type": "category"}]


def test_unknown_ids_get_404_with_json_detail(live: Live, agent: Browser) -> None:
    """Unknown tickets, tokens, articles and API paths answer 404 with a JSON detail."""
    assert agent.get("/api/tickets/4242").json() == {"detail": "Ticket 4242 not found"}
    assert agent.get("/api/articles/nope").json() == {"detail": "Article nope not found"}
    token = live.client().get("/api/t/abc")
    assert token.status_code == 404 and token.json() == {"detail": "No ticket has this link; check that it was copied completely"}
    missing = live.client().get("/api/no/such/endpoint")
    assert missing.status_code == 404 and missing.json() == {"detail": "Nothing at this address (no/such/endpoint)"}
    assert agent.get("/api/tickets/not-a-number").status_code == 422


def test_unknown_pages_get_an_html_404(live: Live, agent: Browser) -> None:
    """A browser asking for an unknown backend page or ticket gets an HTML error page, not a traceback."""
    for path in ("/support/nowhere", "/support/tickets/4242"):
        page = agent.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in page.text and "Traceback" not in page.text


def test_invalid_form_is_rerendered_with_text_and_messages_beside_fields(live: Live) -> None:
    """A ticket form with a bad email and a short description keeps every value and shows each message by its field."""
    client = live.client()
    response = client.form("/support/tickets/new", {"subject": "Filler <leaks>", "description": "short", "requester_email": "olga",
                                                    "requester_name": "Olga", "action": "file"})
    assert response.status_code == 422
    assert 'value="Filler &lt;leaks&gt;"' in response.text and ">short</textarea>" in response.text
    assert '<span class="field-error" id="requester_email-error">Enter an email address like name@example.com.</span>' in response.text
    assert 'id="description-error">String should have at least 10 characters</span>' in response.text
    assert 'aria-describedby="requester_email-error"' in response.text


def test_bad_queue_filter_gets_an_html_422(live: Live, agent: Browser) -> None:
    """An invalid queue filter value is a 422 page, not a 500."""
    page = agent.get("/support/queue", params={"priority": "P9"})
    assert page.status_code == 422 and "Invalid request" in page.text


def test_static_site_is_served_at_root_and_schema_under_api(live: Live) -> None:
    """The built site is mounted at /, the OpenAPI schema at /api/openapi.json."""
    client = live.client()
    assert "Line 4 portal" in client.get("/").text
    schema = client.get("/api/openapi.json").json()
    assert "/api/tickets" in schema["paths"] and "/api/suggestions" in schema["paths"]
    assert not any(p.startswith("/support") for p in schema["paths"])

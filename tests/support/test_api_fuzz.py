"""The whole JSON API fuzzed from its own OpenAPI schema: nothing a client sends gets a server error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api_fuzz import Report, Request, Schema, send
from assessments_harness import ALL_TYPES, REPO, begin, learner, load_quiz, right_answers, submit
from support_harness import Browser, start_server, stop_server

QUESTION_IDS = ["stop-type", "checklist", "escalation", "torque", "oee-factor", "start-steps", "states", "pool-a", "pool-b"]


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A backend with the all-types quiz, a ticket, a certificate, and an anonymous, requester, agent and admin client."""
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "quizzes").mkdir()
    (tmp / "quizzes" / "all-types.yml").write_bytes(ALL_TYPES.read_bytes())
    server, thread, live = start_server(tmp, portal_dir=REPO, quizzes_dir=tmp / "quizzes")
    filed = live.file()
    spare = live.add_user("spare@example.com", "requester")
    browsers = {"anonymous": live.client(), "requester": learner(live, "olga@example.com"),
                "agent": learner(live, "alex@example.com", "agent"), "admin": learner(live, "ada@example.com", "admin")}
    passed = begin(browsers["requester"])
    result = submit(browsers["requester"], passed, right_answers(load_quiz(ALL_TYPES), passed))
    examples = {"ticket_id": filed["ticket"]["id"], "token": filed["token"], "article_id": "clear-conveyor-jam",
                "quiz_id": "all-types", "cert_id": result["certificate"]["id"], "code": result["certificate"]["code"],
                "user_id": spare["id"], "assignee_id": live.app.state.store.one("SELECT id FROM users WHERE role = 'agent'")["id"],
                "*keys": QUESTION_IDS}
    attempts = {"anonymous": passed["id"], "requester": passed["id"],
                "agent": begin(browsers["agent"])["id"], "admin": begin(browsers["admin"])["id"]}
    yield {"live": live, "browsers": browsers, "examples": examples, "attempts": attempts}
    stop_server(server, thread, live)


def fuzz(who: str, browser: Browser, examples: dict[str, Any]) -> Report:
    """Every request the schema gives rise to, sent by one client."""
    schema = Schema(browser.get("/api/openapi.json").json(), examples, seed=13)
    csrf = browser.csrf() if who != "anonymous" else None
    report = Report()
    for method, path, operation in schema.operations():
        for request in schema.requests(method, path, operation):
            send(browser, request, csrf, report, who)
    return report


def test_no_request_built_from_the_schema_gets_a_server_error(fuzz_world: dict[str, Any]) -> None:
    """Boundary and hostile values in every parameter and body field of every operation, sent anonymously and
    signed in as a requester, an agent and an admin, all get an answer below 500."""
    started = time.monotonic()
    total = Report()
    for who, browser in fuzz_world["browsers"].items():
        examples = {**fuzz_world["examples"], "attempt_id": fuzz_world["attempts"][who]}
        report = fuzz(who, browser, examples)
        total.sent += report.sent
        total.failures += report.failures
        for status, count in report.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
    print(f"fuzz: {total.sent} requests in {time.monotonic() - started:.1f} s; statuses {dict(sorted(total.statuses.items()))}")
    assert not total.failures, total.summary()
    assert total.sent > 5000 and {200, 201, 404, 422} <= set(total.statuses)


def test_the_fuzzer_reports_a_server_error_with_its_request() -> None:
    """A 500 is reported as a failure with the request that caused it, other statuses are only counted."""
    def app(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500 if b"99999" in request.url.raw_path else 200, text="boom")

    client = httpx.Client(base_url="http://test", transport=httpx.MockTransport(app))
    report = Report()
    send(client, Request("GET", "/api/tickets/99999999999999999999999"), None, report, "anonymous")
    send(client, Request("GET", "/api/tickets/1"), None, report, "anonymous")
    assert report.failures == ["[anonymous] GET /api/tickets/99999999999999999999999 -> 500 boom"]
    assert report.statuses == {500: 1, 200: 1}

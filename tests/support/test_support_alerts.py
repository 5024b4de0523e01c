"""Alerts in: Alertmanager's webhook payloads (its documented version 4 format) firing, firing again and resolved."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support_harness import Live, start_server, stop_server

TOKEN = "alert-token-0123456789abcdef"
URL = "/api/integrations/alertmanager"
FIRING: dict[str, Any] = {
    "version": "4", "groupKey": '{}:{alertname="ConveyorStopped"}', "truncatedAlerts": 0, "status": "firing",
    "receiver": "portal", "groupLabels": {"alertname": "ConveyorStopped"},
    "commonLabels": {"alertname": "ConveyorStopped", "severity": "critical", "line": "4", "runbook": "clear-conveyor-jam"},
    "commonAnnotations": {"summary": "Conveyor at station 3 stopped", "runbook_url": "https://runbooks.example.com/conveyor"},
    "externalURL": "http://alertmanager.example.com:9093",
    "alerts": [{"status": "firing", "labels": {"alertname": "ConveyorStopped", "severity": "critical", "station": "3"},
                "annotations": {"description": "Belt speed 0 for 2 minutes"}, "startsAt": "2026-12-01T08:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus.example.com/graph?g0.expr=up", "fingerprint": "a1b2c3"}],
}


def resolved() -> dict[str, Any]:
    body = copy.deepcopy(FIRING)
    body["status"] = body["alerts"][0]["status"] = "resolved"
    body["alerts"][0]["endsAt"] = "2026-12-01T08:10:00Z"
    return body


@pytest.fixture
def alerting(tmp_path: Path) -> Iterator[Live]:
    """A backend with alerts in turned on (and resolved alerts resolving their ticket)."""
    server, thread, live = start_server(tmp_path, alert_token=TOKEN, alert_resolves=True)
    live.add_user("alex@example.com", "agent", "Alex Agent")
    yield live
    stop_server(server, thread, live)


def _post(live: Live, body: Any, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(live.url + URL, json=body, headers=headers, timeout=10)


def _ticket(live: Live, ticket_id: int) -> dict[str, Any]:
    agent = live.client()
    agent.login("alex@example.com")
    return agent.get(f"/api/tickets/{ticket_id}").json()


def test_the_same_alert_fired_ten_times_makes_one_ticket(alerting: Live) -> None:
    """The first notification of a group opens a ticket (critical -> P1, the runbook linked); nine more add to it."""
    answers = [_post(alerting, FIRING).json() for _ in range(10)]
    assert answers[0]["opened"] and not any(a["opened"] for a in answers[1:])
    assert {a["ticket_id"] for a in answers} == {answers[0]["ticket_id"]}
    assert alerting.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 1
    ticket = _ticket(alerting, answers[0]["ticket_id"])
    assert ticket["subject"] == "[FIRING] ConveyorStopped: Conveyor at station 3 stopped"
    assert ticket["priority"] == "P1" and [a["id"] for a in ticket["articles"]] == ["clear-conveyor-jam"]
    assert "Runbook: https://runbooks.example.com/conveyor" in ticket["description"]
    assert len([m for m in ticket["messages"] if m["author_name"] == "Alertmanager"]) == 9


def test_resolved_adds_a_note_and_resolves_and_firing_again_reopens(alerting: Live) -> None:
    """Resolved: an internal note and the ticket resolved; the group firing again reopens the same ticket."""
    ticket_id = _post(alerting, FIRING).json()["ticket_id"]
    answer = _post(alerting, resolved())
    assert answer.status_code == 202 and answer.json() == {"ticket_id": ticket_id, "opened": False, "status": "resolved"}
    note = _ticket(alerting, ticket_id)["messages"][-1]
    assert note["internal"] and "resolved" in note["body"] and "ended 2026-12-01T08:10:00Z" in note["body"]
    again = _post(alerting, FIRING).json()
    assert again == {"ticket_id": ticket_id, "opened": False, "status": "open"}


def test_a_wrong_or_missing_token_is_refused_and_nothing_is_filed(alerting: Live) -> None:
    """Without the secret token the webhook answers 401 and files nothing."""
    assert _post(alerting, FIRING, token=None).status_code == 401
    assert _post(alerting, FIRING, token="guess").status_code == 401
    assert alerting.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0


@pytest.mark.parametrize("body", [{}, {"status": "firing"}, {"groupKey": "g", "status": "burning"}, [1, 2], "x",
                                  {**FIRING, "alerts": [{"status": "firing", "labels": {"a": 1}}]},
                                  {**FIRING, "groupKey": "g" * 5000}])
def test_malformed_notifications_are_a_422_not_a_500(alerting: Live, body: Any) -> None:
    """A body that is not Alertmanager's format is refused with a validation error."""
    assert _post(alerting, body).status_code == 422


def test_resolved_for_an_unknown_group_is_a_404(alerting: Live) -> None:
    """A resolved notification for a group that opened no ticket files nothing."""
    assert _post(alerting, resolved()).status_code == 404


def test_alerts_in_are_off_without_a_token(live: Live) -> None:
    """With no PORTAL_ALERT_TOKEN set every notification is refused."""
    assert _post(live, FIRING).status_code == 401


EVENT: dict[str, Any] = {"dedup_key": "line-4/conveyor", "summary": "Conveyor at station 3 stopped", "source": "Line 4 PLC",
                         "severity": "high", "runbook": "clear-conveyor-jam", "details": {"station": "3"},
                         "links": ["https://scada.example.com/line/4"]}
EVENTS = "/api/integrations/events"


def _event(live: Live, body: Any, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(live.url + EVENTS, json=body, headers=headers, timeout=10)


def test_the_same_event_sent_ten_times_makes_one_ticket_and_resolved_resolves_it(alerting: Live) -> None:
    """Ten events with one dedup key: one ticket (high -> P2, the runbook linked); resolved notes and resolves it."""
    answers = [_event(alerting, EVENT).json() for _ in range(10)]
    assert answers[0]["opened"] and {a["ticket_id"] for a in answers} == {answers[0]["ticket_id"]}
    assert alerting.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 1
    ticket = _ticket(alerting, answers[0]["ticket_id"])
    assert ticket["subject"] == "[FIRING] Conveyor at station 3 stopped" and ticket["priority"] == "P2"
    assert ticket["requester_name"] == "Line 4 PLC" and [a["id"] for a in ticket["articles"]] == ["clear-conveyor-jam"]
    assert "station: 3" in ticket["description"] and "Link: https://scada.example.com/line/4" in ticket["description"]
    done = _event(alerting, {"dedup_key": "line-4/conveyor", "status": "resolved"})
    assert done.status_code == 202 and done.json()["status"] == "resolved"
    assert _ticket(alerting, answers[0]["ticket_id"])["messages"][-1]["internal"]
    other = _event(alerting, {**EVENT, "dedup_key": '{}:{alertname="ConveyorStopped"}'}).json()
    assert other["opened"], "an event's key never meets an Alertmanager group's"


@pytest.mark.parametrize(("body", "field"), [({"summary": "x" * 10}, "dedup_key"), ({"dedup_key": "k"}, "summary"),
                                             ({**EVENT, "priority": "P9"}, "priority"), ({**EVENT, "colour": "red"}, "colour")])
def test_a_bad_event_is_a_422_naming_the_field(alerting: Live, body: dict[str, Any], field: str) -> None:
    """A missing key or summary, an unknown priority or an unknown field is refused, naming it; nothing is filed."""
    answer = _event(alerting, body)
    assert answer.status_code == 422 and field in answer.text
    assert _event(alerting, EVENT, token="guess").status_code == 401
    assert alerting.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0


def test_the_event_schema_is_in_the_openapi_document(alerting: Live) -> None:
    """The generic webhook's body is documented: its fields and descriptions are in /api/openapi.json."""
    schema = httpx.get(alerting.url + "/api/openapi.json", timeout=10).json()
    event = schema["components"]["schemas"]["Event"]
    assert {"dedup_key", "status", "summary", "severity", "runbook", "details"} <= set(event["properties"])
    assert "/api/integrations/events" in schema["paths"]


def test_a_caller_without_the_token_gets_401_before_its_body_is_judged(alerting: Live) -> None:
    """No token and a body that is not the format: 401 (the token is checked first), not a 422 describing the schema."""
    assert _post(alerting, {"dedup_key": "k"}, token=None).status_code == 401
    assert httpx.post(alerting.url + "/api/integrations/events", json={"dedup_key": "k"}, timeout=10).status_code == 401


def test_an_overlong_runbook_label_files_the_alert_without_the_link(alerting: Live) -> None:
    """A ``runbook`` label no page id can be (10,000 characters) does not lose the alert: it is filed, unlinked."""
    body = copy.deepcopy(FIRING)
    body["commonLabels"]["runbook"] = "r" * 10_000
    answer = _post(alerting, body)
    assert answer.status_code == 202 and answer.json()["opened"]
    ticket = _ticket(alerting, answer.json()["ticket_id"])
    assert ticket["articles"] == [] and ticket["priority"] == "P1"

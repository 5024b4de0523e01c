"""Ticket reports over a from/to range: the page, each CSV and the API count only tickets filed in it; bad dates are named."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from support_harness import START, Browser, Live


def _backlog(text: str) -> dict[str, str]:
    """The backlog column per priority of a backlog CSV."""
    return {row["priority"]: row["backlog"] for row in csv.DictReader(io.StringIO(text))}


def test_the_range_keeps_only_tickets_filed_on_its_days(live: Live, agent: Browser) -> None:
    """Tickets filed two days apart: a range of the second day counts one, in the page, the CSV and the API."""
    live.file(priority="P1")
    live.clock.advance(days=2)
    live.file(priority="P2", page_id="recipe-change")
    day = (START.date() + dt.timedelta(days=2)).isoformat()
    page = agent.get("/support/reports", params={"from": day, "to": day})
    assert page.status_code == 200 and f"tickets filed {day} to {day}" in page.text
    assert '<desc id="backlog-chart-d">P1: 0; P2: 1; P3: 0; P4: 0</desc>' in page.text
    assert f'/support/reports/backlog.csv?from={day}&amp;to={day}' in page.text
    only = agent.get("/support/reports/backlog.csv", params={"from": day, "to": day})
    assert _backlog(only.text) == {"P1": "0", "P2": "1", "P3": "0", "P4": "0"}
    assert f'filename="backlog_{day}_{day}.csv"' in only.headers["content-disposition"]
    assert _backlog(agent.get("/support/reports/backlog.csv").text) == {"P1": "1", "P2": "1", "P3": "0", "P4": "0"}
    api = agent.get("/api/reports/tickets", params={"to": START.date().isoformat()}).json()
    assert api["escalation"]["rows"] == [[1, 0, 0, 0, 0.0, 15.0]]  # tickets, escalated, by the SLA monitor, by agents, rate, target
    assert api["top_articles"]["rows"] == [], "the article was linked by the later ticket"


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"from": "2026-13-45"}, "from", "month value is outside expected range"),
    ({"to": "yesterday"}, "to", "expected a date as YYYY-MM-DD"),
    ({"from": "2026-11-02", "to": "2026-11-01"}, "to", "is before from"),
])
def test_a_bad_date_is_a_clear_error_naming_the_field(live: Live, agent: Browser, params: dict[str, str], field: str, message: str) -> None:
    """The page shows the form again with the error at the field and its text kept; the CSV and API answer 422 naming it."""
    page = agent.get("/support/reports", params=params)
    assert page.status_code == 422 and f'id="{field}-error"' in page.text and message in page.text
    assert f'href="#r-{field}"' in page.text and f'value="{params.get(field)}"' in page.text
    answer = agent.get("/api/reports/tickets", params=params)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", field]
    assert message in answer.json()["detail"][0]["msg"]
    assert agent.get("/support/reports/backlog.csv", params=params).status_code == 422

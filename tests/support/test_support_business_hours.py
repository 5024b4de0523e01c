"""SLA clocks in business hours, through the server with the test clock; times shown in the viewer's time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_harness import Browser, Live, start_server, stop_server

EXAMPLE = Path(__file__).parents[2] / "examples" / "business-hours" / "business-hours.yml"
FRIDAY = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # 16:00 in Berlin, one working hour left


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Live]:
    """A backend whose P3 clocks count the example's office hours (P3 first response: 4 h), with a holiday on Monday 30 Nov."""
    hours = tmp_path / "business-hours.yml"
    hours.write_text(EXAMPLE.read_text().replace("- 2026-12-25", "- 2026-11-30"))
    server, thread, live = start_server(tmp_path, business_hours_file=hours, sla_p3_first_response="PT4H", time_zone="Europe/Berlin")
    live.clock.set(FRIDAY)
    live.add_user("alex@example.com", "agent", "Alex Agent")
    yield live
    stop_server(server, thread, live)


def _state(agent: Browser, ticket_id: int) -> tuple[str, int]:
    agent.get("/support/queue")  # a queue load runs the SLA sweep
    ticket = agent.get(f"/api/tickets/{ticket_id}").json()
    return ticket["sla_due_at"], ticket["sla_level"]


def test_the_clock_stops_over_the_weekend_and_a_holiday(office: Live) -> None:
    """Filed Friday 16:00 CET with 4 working hours: due Tuesday 11:00 CET (Monday a holiday); P1 stays round the clock."""
    agent = office.client()
    agent.login("alex@example.com")
    p3 = office.file(priority="P3")["ticket"]["id"]
    p1 = office.file(priority="P1")["ticket"]["id"]
    assert _state(agent, p3) == ("2026-12-01T10:00:00+00:00", 0)
    assert _state(agent, p1)[0] == "2026-11-27T16:00:00+00:00"
    assert "<dt>SLA hours</dt><dd>Office hours (Mon-Fri 08-12, 13-17)</dd>" in agent.get(f"/support/tickets/{p3}").text
    assert "<dt>SLA hours</dt><dd>Round the clock (24x7)</dd>" in agent.get(f"/support/tickets/{p1}").text
    office.clock.set(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC))  # the holiday: nothing ran since Friday 17:00
    assert _state(agent, p3) == ("2026-12-01T10:00:00+00:00", 0)
    office.clock.set(dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC))  # Tuesday 10:30: 30 min left, within the warning window
    assert _state(agent, p3)[1] == 1
    office.clock.set(dt.datetime(2026, 12, 1, 10, 1, tzinfo=dt.UTC))
    assert _state(agent, p3)[1] == 2


def test_times_show_in_the_viewers_zone_defaulting_to_the_portals(office: Live) -> None:
    """The queue shows the due time in Berlin time (the portal's); an agent who picks New York sees it there."""
    agent = office.client()
    agent.login("alex@example.com")
    office.file(priority="P3")
    assert "due 2026-12-01 11:00 CET" in agent.get("/support/queue").text
    bad = agent.form("/support/account/time-zone", {"time_zone": "Mars/Base"})
    assert bad.status_code == 422 and 'id="time_zone-error"' in bad.text and "is not a time zone" in bad.text
    assert agent.form("/support/account/time-zone", {"time_zone": "America/New_York"}).status_code == 303
    assert "Times are now shown in America/New_York" in agent.get("/support/account?zone=1").text
    assert "due 2026-12-01 05:00 EST" in agent.get("/support/queue").text
    agent.form("/support/account/time-zone", {"time_zone": ""})
    assert "due 2026-12-01 11:00 CET" in agent.get("/support/queue").text


def test_a_broken_calendar_file_keeps_the_last_good_one(office: Live, tmp_path: Path) -> None:
    """An edit with an error is logged with its line and changes nothing; the clocks keep the office hours."""
    agent = office.client()
    agent.login("alex@example.com")
    p3 = office.file(priority="P3")["ticket"]["id"]
    (tmp_path / "business-hours.yml").write_text("calendars:\n  office: {name: O, hours: {mon: ['9-5']}}\n")
    assert _state(agent, p3)[0] == "2026-12-01T10:00:00+00:00"
    assert "business-hours.yml:2:" in office.app.state.business_hours.problems[0]

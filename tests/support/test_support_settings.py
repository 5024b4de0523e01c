"""Duration settings: seconds (``3600``) or ISO 8601 (``PT1H``, ``P3D``), as README says; a bad value names the setting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from support_harness import START, Browser, start_server, stop_server

from support.cli import register
from support.errors import SettingsError
from support.settings import load_settings


@pytest.mark.parametrize(("text", "expected"), [("3600", dt.timedelta(hours=1)), (" 90.5 ", dt.timedelta(seconds=90.5)),
                                                ("PT1H", dt.timedelta(hours=1)), ("P3D", dt.timedelta(days=3))])
def test_a_duration_in_the_environment_takes_seconds_or_iso_8601(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 text: str, expected: dt.timedelta) -> None:
    """``PORTAL_SLA_P4_FIRST_RESPONSE=3600`` is an hour, like ``PT1H``."""
    monkeypatch.setenv("PORTAL_SLA_P4_FIRST_RESPONSE", text)
    assert load_settings(data_dir=tmp_path).sla_p4_first_response == expected


@pytest.mark.parametrize(("text", "message"), [
    ("soon", "expected a number of seconds (3600) or an ISO 8601 duration (PT1H, P3D) (got 'soon')"),
    ("1h", "expected a number of seconds (3600) or an ISO 8601 duration (PT1H, P3D) (got '1h')"),
    ("0", "must be more than 0 seconds and at most 3650 days (got '0')"),
    ("-60", "must be more than 0 seconds and at most 3650 days (got '-60')"),
    ("P99999D", "must be more than 0 seconds and at most 3650 days (got 'P99999D')"),
    ("99999999999999999999", "must be more than 0 seconds and at most 3650 days (got '99999999999999999999')"),
])
def test_a_bad_duration_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, message: str) -> None:
    """A value that is no duration, or none the SLA clocks can use, stops the start with the setting's name and what it takes."""
    monkeypatch.setenv("PORTAL_SLA_P4_FIRST_RESPONSE", text)
    with pytest.raises(SettingsError) as raised:
        load_settings(data_dir=tmp_path)
    assert str(raised.value) == f"invalid settings:\n  PORTAL_SLA_P4_FIRST_RESPONSE: {message}"


@click.group()
def portal() -> None:
    """Stand-in for the lead's ``portal`` group."""


register(portal)


def test_the_cli_reports_a_bad_duration_without_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``portal report tickets`` with a bad duration in the environment ends with ``Error: ...`` and exit 1."""
    monkeypatch.setenv("PORTAL_SLA_P1_RESOLUTION", "soon")
    result = CliRunner().invoke(portal, ["report", "tickets", "--data-dir", str(tmp_path)])
    expected = "PORTAL_SLA_P1_RESOLUTION: expected a number of seconds (3600) or an ISO 8601 duration (PT1H, P3D) (got 'soon')"
    assert (result.exit_code, result.output) == (1, f"Error: invalid settings:\n  {expected}\n")


def test_a_target_in_seconds_sets_the_tickets_due_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With ``PORTAL_SLA_P4_FIRST_RESPONSE=3600`` a P4 ticket filed now is due for a first response in an hour."""
    monkeypatch.setenv("PORTAL_SLA_P4_FIRST_RESPONSE", "3600")
    server, thread, live = start_server(tmp_path)
    try:
        ticket_id = live.file(priority="P4")["ticket"]["id"]
        live.add_user("alex@example.com", "agent")
        agent: Browser = live.client()
        agent.login("alex@example.com")
        agent.get("/api/tickets")  # listing the queue runs the SLA sweep
        due = agent.get(f"/api/tickets/{ticket_id}").json()["sla_due_at"]
        assert dt.datetime.fromisoformat(due) == START + dt.timedelta(hours=1)
    finally:
        stop_server(server, thread, live)

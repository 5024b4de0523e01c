"""Health, readiness and metrics over real HTTP: /healthz, /readyz, /metrics and who may read the metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support_harness import Live, start_server, stop_server

from support.errors import SettingsError
from support.settings import load_settings
from support.tickets import service as tickets

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def metered(tmp_path: Path) -> Iterator[Live]:
    """A backend whose metrics open with ``TOKEN``."""
    server, thread, live = start_server(tmp_path / "metered", metrics_token=TOKEN)
    yield live
    stop_server(server, thread, live)


def scrape(live: Live) -> str:
    """The metrics page, read with the token."""
    response = live.client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the exposition, or None if it is absent."""
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_:]+)(?:\{(.*)\})? (\S+)", line)
        if match and match[1] == name and dict(re.findall(r'(\w+)="([^"]*)"', match[2] or "")) == labels:
            return float(match[3])
    return None


def test_healthz_answers_anyone_with_nothing_but_ok(live: Live) -> None:
    """No sign-in, no cache, and nothing about the deployment in the answer."""
    response = live.client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_lists_each_check_and_is_ready_on_a_fresh_portal(live: Live) -> None:
    """Database, migrations and KB index are checked; all pass on a new data folder."""
    response = live.client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "kb": "ok"}}


def test_readyz_is_503_while_the_kb_export_is_not_loaded(tmp_path: Path) -> None:
    """A backend told to read a KB export that is not there is alive but not ready; the answer names no path."""
    server, thread, live = start_server(tmp_path, kb_path=tmp_path / "missing" / "kb.json")
    try:
        health, ready = live.client().get("/healthz"), live.client().get("/readyz")
    finally:
        stop_server(server, thread, live)
    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "checks": {"database": "ok", "migrations": "ok", "kb": "the KB export is not loaded"}}
    assert "missing" not in ready.text


def test_readyz_is_503_when_a_migration_is_not_applied(live: Live) -> None:
    """A database missing one of this version's migrations is reported (by count, not by its SQL)."""
    store = live.app.state.store
    with store.tx():
        store.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    response = live.client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 migration(s) not applied"


def test_a_check_that_raises_is_reported_without_its_error(live: Live) -> None:
    """A domain's own check (the outbox's, later) is one more entry; an exception in it is logged, not shown."""
    def outbox(state: object) -> str | None:
        raise RuntimeError("password=hunter2 at /srv/secret")

    live.app.state.ready_checks["outbox"] = outbox
    response = live.client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == "failed (see the server log)"
    assert "hunter2" not in response.text and "secret" not in response.text


def test_metrics_are_refused_without_a_token_or_an_allowed_address(live: Live, metered: Live) -> None:
    """Neither configured: 403. A token configured: 401 with a Bearer challenge for a missing or wrong one."""
    assert live.client().get("/metrics").status_code == 403
    assert metered.client().get("/metrics").status_code == 401
    wrong = metered.client().get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert (wrong.status_code, wrong.headers["www-authenticate"]) == (401, "Bearer")
    odd = metered.client().get("/metrics", headers={"Authorization": "Basic \xfc==".encode("latin-1")})
    assert odd.status_code == 401
    assert "portal_" not in wrong.text


def test_metrics_open_to_an_allowed_address_without_a_token(tmp_path: Path) -> None:
    """``PORTAL_METRICS_ALLOW`` takes addresses and networks; the test client comes from 127.0.0.1."""
    server, thread, live = start_server(tmp_path, metrics_allow="10.0.0.0/8, 127.0.0.0/8")
    try:
        response = live.client().get("/metrics")
    finally:
        stop_server(server, thread, live)
    assert response.status_code == 200
    assert "portal_http_requests_total" in response.text


def test_requests_are_counted_by_route_template_method_and_status(metered: Live) -> None:
    """Ids in the path fold into the template; a method the API does not use (WebDAV's PROPFIND) counts as OTHER; latency is a histogram per route."""
    browser = metered.client()
    metered.file()
    for ticket_id in (1, 2, 999):
        browser.get(f"/api/tickets/{ticket_id}")
    browser.get("/api/no/such/thing")
    assert browser.request("PROPFIND", "/api/tickets").status_code < 500
    text = scrape(metered)
    assert sample(text, "portal_http_requests_total", route="/api/tickets", method="POST", status="201") == 1
    assert sample(text, "portal_http_requests_total", route="/api/tickets/{ticket_id}", method="GET", status="401") == 3
    assert sample(text, "portal_http_requests_total", route="/api/{path:path}", method="GET", status="404") == 1
    assert sample(text, "portal_http_requests_total", route="unmatched", method="OTHER", status="405") == 1  # no route took it
    assert sample(text, "portal_http_request_duration_seconds_count", route="/api/tickets/{ticket_id}") == 3
    assert sample(text, "portal_http_request_duration_seconds_bucket", route="/api/tickets/{ticket_id}", le="+Inf") == 3


def test_tickets_by_status_and_priority_and_sla_breaches(metered: Live) -> None:
    """The tickets' figures are read from the database at each scrape; a ticket past its target counts as breached."""
    metered.file(priority="P1")
    metered.file(priority="P3")
    metered.file(priority="P3")
    text = scrape(metered)
    assert sample(text, "portal_tickets", status="new", priority="P3") == 2
    assert sample(text, "portal_tickets", status="new", priority="P1") == 1
    assert sample(text, "portal_tickets_sla_breached", priority="P1") is None
    metered.clock.advance(hours=5)  # past P1's four-hour resolution target
    tickets.sweep(metered.app.state.store, metered.app.state.settings, metered.clock())
    text = scrape(metered)
    assert sample(text, "portal_tickets_sla_breached", priority="P1") == 1


def test_kb_searches_and_the_ones_that_found_nothing_are_counted(metered: Live) -> None:
    """Suggestions count as searches; the zero-result share is the ratio of the two counters."""
    browser = metered.client()
    assert browser.get("/api/suggestions", params={"q": "conveyor jammed"}).status_code == 200
    assert browser.get("/api/suggestions", params={"q": "zzqx wvvy"}).status_code == 200
    text = scrape(metered)
    assert sample(text, "portal_kb_search_queries_total") == 2
    assert sample(text, "portal_kb_search_zero_results_total") == 1
    assert sample(text, "portal_kb_pages") > 0


def test_health_answers_carry_the_site_headers_and_no_session_cookie(live: Live) -> None:
    """Health probes start no session: a load balancer polling every second would otherwise fill the cookie jar."""
    response = httpx.get(f"{live.url}/readyz")
    assert "set-cookie" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_bad_metrics_settings_stop_the_start_naming_the_setting_but_not_the_token() -> None:
    """A short token is refused without being echoed; an allow entry that is no address is named with its value."""
    with pytest.raises(SettingsError) as short:
        load_settings(metrics_token="tiny-secret")
    assert "PORTAL_METRICS_TOKEN: use at least 16 characters" in str(short.value) and "tiny-secret" not in str(short.value)
    with pytest.raises(SettingsError) as bad:
        load_settings(metrics_allow="10.0.0.0/8, prometheus.local")
    assert "PORTAL_METRICS_ALLOW: 'prometheus.local' is not an IP address or network" in str(bad.value)

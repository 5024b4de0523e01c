"""Request ids, JSON log lines and forwarded headers (trusted from configured proxies only), over real HTTP."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from support_harness import Live, start_server, stop_server
from test_support_accesslog import lines_within

from support.errors import SettingsError
from support.server import uvicorn_options
from support.settings import load_settings
from support.web.accesslog import AccessLog, JsonFormatter


def serve_logged(tmp_path: Path, **settings: Any) -> tuple[Any, Any, Live, io.StringIO]:
    """A backend behind a JSON access log writing to a string."""
    out = io.StringIO()
    server, thread, live = start_server(tmp_path, wrap=lambda app: AccessLog(app, stream=out, json_lines=True), **settings)
    return server, thread, live, out


@pytest.fixture
def json_logged(tmp_path: Path) -> Iterator[tuple[Live, io.StringIO]]:
    """A backend with JSON access lines and no trusted proxy."""
    server, thread, live, out = serve_logged(tmp_path)
    yield live, out
    stop_server(server, thread, live)


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[tuple[Live, io.StringIO]]:
    """A backend that trusts forwarded headers from 127.0.0.1 (where the test's requests come from)."""
    server, thread, live, out = serve_logged(tmp_path, trusted_proxies="127.0.0.1")
    yield live, out
    stop_server(server, thread, live)


def records(out: io.StringIO, count: int) -> list[dict[str, Any]]:
    """The JSON lines written so far, parsed (each line must be one object)."""
    return [json.loads(line) for line in lines_within(out, count)]


def test_a_json_line_has_time_request_id_user_route_status_and_duration(json_logged: tuple[Live, io.StringIO]) -> None:
    """Signed in, the line carries the account's id; the route is the template and the private link's token is redacted."""
    live, out = json_logged
    user = live.add_user("alex@example.com", "agent", "Alex Agent")
    browser = live.client()
    browser.login("alex@example.com")
    filed = live.file()
    response = browser.get(f"/api/tickets/{filed['ticket']['id']}")
    browser.get(f"/support/t/{filed['token']}")
    lines = records(out, 6)
    line = next(r for r in lines if r["path"] == f"/api/tickets/{filed['ticket']['id']}")
    assert set(line) == {"time", "level", "logger", "request_id", "user_id", "client", "method", "route", "path", "status", "duration_ms"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert (line["user_id"], line["route"], line["status"], line["client"]) == (user["id"], "/api/tickets/{ticket_id}", 200, "127.0.0.1")
    assert line["request_id"] == response.headers["x-request-id"]
    assert 0 <= line["duration_ms"] < 5000
    assert filed["token"] not in out.getvalue()
    anonymous = next(r for r in lines if r["method"] == "POST" and r["path"] == "/api/tickets")
    assert anonymous["user_id"] is None


def test_each_answer_carries_a_request_id_and_a_sane_incoming_one_is_kept(live: Live) -> None:
    """A new random id per request; the caller's (nginx's $request_id) when it is a short plain token, else a new one."""
    browser = live.client()
    first, second = browser.get("/healthz").headers["x-request-id"], browser.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    assert browser.get("/healthz", headers={"X-Request-ID": "req-7f3a:1"}).headers["x-request-id"] == "req-7f3a:1"
    for insane in ("a" * 129, "two words", "<script>", "", "caf\xe9".encode("latin-1")):
        sent_back = browser.get("/api/session", headers={"X-Request-ID": insane}).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", sent_back), insane
    assert browser.get("/api/nothing").headers["x-request-id"]  # errors too


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(json_logged: tuple[Live, io.StringIO]) -> None:
    """Without PORTAL_TRUSTED_PROXIES anyone could name any address: the peer's own address is logged and throttled."""
    live, out = json_logged
    live.client().get("/api/session", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert records(out, 1)[0]["client"] == "127.0.0.1"
    assert throttled_from(live, "203.0.113.7") and throttled_from(live, "198.51.100.2")  # both are 127.0.0.1 to the throttle


def test_forwarded_for_from_a_trusted_proxy_is_the_client_of_logs_and_throttles(behind_proxy: tuple[Live, io.StringIO]) -> None:
    """The rightmost address the proxy added counts; one client's failed sign-ins do not lock out another behind the same proxy."""
    live, out = behind_proxy
    live.client().get("/api/session", headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"})
    assert records(out, 1)[0]["client"] == "203.0.113.7"
    assert throttled_from(live, "203.0.113.7")
    assert not throttled_from(live, "198.51.100.2", attempts=1)


def test_forwarded_proto_from_a_trusted_proxy_makes_the_own_origin_https(behind_proxy: tuple[Live, io.StringIO]) -> None:
    """Behind a TLS-terminating proxy the browser's Origin is https://host: a signed-in form post is not refused as cross-site."""
    live, _ = behind_proxy
    live.add_user("alex@example.com", "agent")
    browser = live.client()
    browser.headers.update({"X-Forwarded-Proto": "https", "Host": "portal.example.com"})
    browser.login("alex@example.com")
    response = browser.post("/api/tickets", json={"subject": "x"}, headers={"Origin": "https://portal.example.com", "X-CSRF-Token": browser.csrf()})
    assert response.status_code == 422  # past the origin check, refused for the short subject


def throttled_from(live: Live, address: str, attempts: int = 7) -> bool:
    """Fail to sign in ``attempts`` times as one account with ``X-Forwarded-For: address``; True if the last was a 429."""
    browser = live.client()
    browser.headers["X-Forwarded-For"] = address
    status = 0
    for _ in range(attempts):
        status = browser.form("/support/login", {"email": "olga@example.com", "password": "wrong password!"}).status_code
    return status == 429


def test_a_crash_answers_500_with_its_request_id_and_the_json_log_record_carries_it(live: Live) -> None:
    """The error's log record (as ``PORTAL_LOG_FORMAT=json`` writes it) and the 500 share the request id; no traceback is sent."""
    def boom() -> None:
        raise RuntimeError("the database fell over")

    live.app.router.routes.insert(0, APIRoute("/api/boom", boom))
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("support")
    logger.addHandler(handler)
    try:
        response = live.client().get("/api/boom", headers={"X-Request-ID": "crash-1"})
    finally:
        logger.removeHandler(handler)
    assert (response.status_code, response.headers["x-request-id"]) == (500, "crash-1")
    assert "fell over" not in response.text and "Traceback" not in response.text
    record = json.loads(out.getvalue().splitlines()[0])
    assert (record["level"], record["request_id"], record["message"]) == ("error", "crash-1", "unhandled error on /api/boom")
    assert "RuntimeError: the database fell over" in record["exception"]


def test_the_json_log_format_configures_uvicorn_and_the_backend_loggers() -> None:
    """``PORTAL_LOG_FORMAT=json``: every formatter of uvicorn's logging config is the JSON one, the backend's logger too."""
    options = uvicorn_options(load_settings(log_format="json"))
    config = options["log_config"]
    assert {f["()"] for f in config["formatters"].values()} == {"support.web.accesslog.JsonFormatter"}
    assert config["loggers"]["support"]["handlers"] == ["default"]
    assert options["proxy_headers"] is False and "log_config" not in uvicorn_options(load_settings())


def test_garbage_in_forwarded_headers_from_the_proxy_is_no_error(behind_proxy: tuple[Live, io.StringIO]) -> None:
    """Whatever a trusted proxy passes on, the answer is an ordinary one (never a 500), and /metrics stays closed."""
    live, _ = behind_proxy
    client = live.client()
    for value in ("not-an-address", "", ",,,", "[::1", "1.2.3.4:99999", "\xff\xfe".encode("latin-1")):
        assert client.get("/api/session", headers={"X-Forwarded-For": value, "X-Forwarded-Proto": value}).status_code == 200
        assert client.get("/metrics", headers={"X-Forwarded-For": value}).status_code == 403


def test_trusted_proxies_take_addresses_and_networks_and_refuse_names() -> None:
    """Each entry is normalised (a host's bits cleared: 10.1.2.3/8 is 10.0.0.0/8); a host name is refused by name."""
    assert load_settings(trusted_proxies="127.0.0.1, 10.1.2.3/8, ::1").trusted_proxies == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    with pytest.raises(SettingsError, match="PORTAL_TRUSTED_PROXIES: 'nginx' is not an IP address or network"):
        load_settings(trusted_proxies="nginx")

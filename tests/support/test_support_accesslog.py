"""The access log: a line per response in uvicorn's format, written in batches about a second apart."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_harness import Live, start_server, stop_server

from support.web import accesslog
from support.web.accesslog import AccessLog


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[Live, AccessLog, io.StringIO]]:
    """A live backend served through an ``AccessLog`` writing to a string."""
    out, layers = io.StringIO(), []

    def wrap(app):
        layers.append(AccessLog(app, stream=out))
        return layers[0]

    server, thread, live = start_server(tmp_path, wrap=wrap)
    yield live, layers[0], out
    stop_server(server, thread, live)


def lines_within(out: io.StringIO, count: int, seconds: float = 5.0) -> list[str]:
    """The lines written so far, once there are ``count`` of them (or the deadline passed)."""
    deadline = time.monotonic() + seconds
    while len(out.getvalue().splitlines()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return out.getvalue().splitlines()


def test_each_response_is_logged_with_client_request_line_and_status(logged: tuple[Live, AccessLog, io.StringIO]) -> None:
    """Method, path with its query, HTTP version and status with its phrase, as uvicorn writes them; also for errors."""
    live, _, out = logged
    browser = live.client()
    browser.get("/api/session")
    browser.get("/api/nothing-here?from=test")
    browser.post("/api/tickets", json={"subject": ""})
    lines = lines_within(out, 3)
    assert len(lines) == 3, lines
    assert lines[0].startswith("INFO:     127.0.0.1:")
    assert lines[0].endswith(' - "GET /api/session HTTP/1.1" 200 OK')
    assert lines[1].endswith(' - "GET /api/nothing-here?from=test HTTP/1.1" 404 Not Found')
    assert lines[2].endswith(' - "POST /api/tickets HTTP/1.1" 422 Unprocessable Entity')


def test_lines_wait_for_the_batch_and_none_is_lost(logged: tuple[Live, AccessLog, io.StringIO],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A full batch is written at once; the rest waits for its timer or for ``flush`` (which ``portal serve`` calls when it stops)."""
    live, log, out = logged
    monkeypatch.setattr(accesslog, "MAX_LINES", 3)
    monkeypatch.setattr(accesslog, "FLUSH_SECONDS", 60.0)
    browser = live.client()
    for _ in range(4):
        browser.get("/api/session")
    assert len(out.getvalue().splitlines()) == 3  # the batch of three, written by the third response
    log.flush()
    assert len(out.getvalue().splitlines()) == 4
    assert log.lines == []


def test_the_last_lines_are_written_when_the_server_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines still waiting for their batch are written at the app's shutdown, before the server is gone."""
    monkeypatch.setattr(accesslog, "FLUSH_SECONDS", 60.0)
    out = io.StringIO()
    server, thread, live = start_server(tmp_path, wrap=lambda app: AccessLog(app, stream=out))
    live.client().get("/api/session?last=1")
    assert out.getvalue() == ""
    stop_server(server, thread, live)
    assert out.getvalue().endswith(' - "GET /api/session?last=1 HTTP/1.1" 200 OK\n')


def test_private_link_tokens_are_redacted(logged: tuple[Live, AccessLog, io.StringIO]) -> None:
    """The database keeps only a private link's hash, and the log keeps none of it: the token is written as [token]."""
    live, _, out = logged
    token = live.file()["token"]
    browser = live.client()
    browser.get(f"/support/t/{token}")
    browser.get(f"/api/t/{token}")
    browser.post(f"/support/t/{token}/reply", data={"body": "hello"})
    log = "\n".join(lines_within(out, 4))
    assert token not in log
    assert '"GET /support/t/[token] HTTP/1.1" 200 OK' in log
    assert '"GET /api/t/[token] HTTP/1.1" 200 OK' in log
    assert '"POST /support/t/[token]/reply HTTP/1.1" 403 Forbidden' in log

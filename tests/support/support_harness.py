"""Test harness: the backend served by uvicorn on a free 127.0.0.1 port over a fresh data dir, and HTTP clients."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pg_harness
import uvicorn
from fastapi import FastAPI

from support.accounts import service as accounts
from support.app import create_app
from support.clock import FrozenClock
from support.settings import load_settings

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # a Monday morning


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_site(root: Path) -> Path:
    """A tiny built site with the KB export the lead's build writes."""
    site = root / "site"
    (site / "_portal").mkdir(parents=True)
    shutil.copy(DATA / "kb.json", site / "_portal" / "kb.json")
    (site / "index.html").write_text("<!doctype html><html lang='en'><title>Home</title><h1>Line 4 portal</h1></html>")
    return site


class Browser(httpx.Client):
    """An HTTP client with the portal's session and CSRF conventions."""

    def csrf(self) -> str:
        """The session's CSRF token (creates the session if needed)."""
        return self.get("/api/session").json()["csrf_token"]

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        """Sign in through the login form."""
        response = self.form("/support/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        return response

    def form(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True) -> httpx.Response:
        """POST a form, with the session's CSRF token unless ``csrf`` is False."""
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf()
        return self.post(url, data=data)

    def api(self, method: str, url: str, json: Any = None, csrf: bool = True) -> httpx.Response:
        """A JSON API call, with the X-CSRF-Token header unless ``csrf`` is False."""
        headers = {"X-CSRF-Token": self.csrf()} if csrf else {}
        return self.request(method, url, json=json, headers=headers)


@dataclass
class Live:
    """A running backend."""

    url: str
    app: FastAPI
    clock: FrozenClock
    data_dir: Path
    site_dir: Path
    database: Path | str = ""
    clients: list[Browser] = field(default_factory=list)

    def client(self) -> Browser:
        """A fresh browser-like client (own cookie jar)."""
        browser = Browser(base_url=self.url, follow_redirects=False, timeout=10)
        self.clients.append(browser)
        return browser

    def add_user(self, email: str, role: str, name: str = "") -> dict[str, Any]:
        """Create an account with the test password."""
        store = self.app.state.store
        user_id = accounts.add_user(store, email, role, PASSWORD, name or email.split("@")[0].title(), self.clock())
        return accounts.get_user(store, user_id)

    def file(self, by: Browser | None = None, **fields: Any) -> dict[str, Any]:
        """File a ticket through the API, anonymously or (``by``) as a signed-in browser; returns the 201 body."""
        body = {"subject": "Conveyor jammed at station 3", "description": "The conveyor stopped with alarm E-204 and will not restart.",
                "requester_email": "olga@example.com", "requester_name": "Olga Operator", **fields}
        response = by.api("POST", "/api/tickets", body) if by else self.client().post("/api/tickets", json=body)
        assert response.status_code == 201, response.text
        return response.json()


def start_server(tmp: Path, wrap: Callable[[FastAPI], Any] | None = None, **overrides: Any) -> tuple[uvicorn.Server, threading.Thread, Live]:
    """Create the app over ``tmp`` and serve it from a thread (``wrap``: an ASGI layer to serve around it)."""
    site = make_site(tmp)
    if "database_url" not in overrides:  # a test that names its database keeps it
        database = pg_harness.fresh_database(tmp / "data" / "portal.db")
        overrides["database_url"] = database if isinstance(database, str) else ""
        if overrides["database_url"]:  # the CLI commands a test runs with this --data-dir find the database as an operator's would
            os.environ["PORTAL_DATABASE_URL"] = overrides["database_url"]
    settings = load_settings(data_dir=tmp / "data", site_dir=site, **{"sla_sweep_seconds": 0, "source_check_seconds": 0, **overrides})
    clock = FrozenClock(START)
    app = create_app(settings, clock=clock)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(wrap(app) if wrap else app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=False))  # as support.server runs it: the app reads them, if trusted
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return server, thread, Live(f"http://127.0.0.1:{port}", app, clock, tmp / "data", site, settings.database)


def stop_server(server: uvicorn.Server, thread: threading.Thread, live: Live) -> None:
    """Close the clients and stop the server (its lifespan closes the database)."""
    for browser in live.clients:
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    if os.environ.get("PORTAL_DATABASE_URL") == live.database:
        del os.environ["PORTAL_DATABASE_URL"]
    pg_harness.drop_database(live.database)


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page."""
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def form_id_from(html: str) -> str:
    """The ticket form's form_id."""
    return re.search(r'name="form_id" value="([^"]+)"', html).group(1)


def vm_steps(store: Any, sql: str, params: list) -> int:
    """How many SQLite virtual-machine steps a query takes: a scan grows with the table, an index lookup does not."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.conn.set_progress_handler(count, 1)
    try:
        store.all(sql, params)
    finally:
        store.conn.set_progress_handler(None, 1)
    return steps[0]


"""Fixtures for the support backend tests: a live server per test and a signed-in agent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_harness import SmtpServer
from support_harness import Browser, Live, free_port, start_server, stop_server


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A backend with a fresh database, a frozen clock at ``START`` and the example KB."""
    server, thread, running = start_server(tmp_path)
    yield running
    stop_server(server, thread, running)


@pytest.fixture
def agent(live: Live) -> Browser:
    """A signed-in agent."""
    live.add_user("alex@example.com", "agent", "Alex Agent")
    browser = live.client()
    browser.login("alex@example.com")
    return browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One server shared by a module's read-mostly checks: a ticket Olga filed signed in, and a browser per role."""
    server, thread, running = start_server(tmp_path_factory.mktemp("world"))
    running.add_user("olga@example.com", "requester", "Olga Operator")
    other = running.add_user("peter@example.com", "requester", "Peter Packer")
    running.add_user("alex@example.com", "agent", "Alex Agent")
    running.add_user("ada@example.com", "admin", "Ada Admin")
    browsers = {"anon": running.client()}
    for role, email in (("owner", "olga@example.com"), ("other", "peter@example.com"),
                        ("agent", "alex@example.com"), ("admin", "ada@example.com")):
        browsers[role] = running.client()
        browsers[role].login(email)
    filed = running.file(by=browsers["owner"])
    yield {"live": running, "browsers": browsers, "ticket_id": filed["ticket"]["id"], "token": filed["token"], "other_id": other["id"]}
    stop_server(server, thread, running)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives (``smtp.sink``)."""
    with SmtpServer(free_port()) as server:
        yield server


@pytest.fixture
def mail_live(tmp_path: Path, smtp: SmtpServer) -> Iterator[Live]:
    """A backend that sends its mail to ``smtp``."""
    server, thread, running = start_server(tmp_path, **smtp.settings)
    yield running
    stop_server(server, thread, running)


@pytest.fixture
def mail_agent(mail_live: Live) -> Browser:
    """A signed-in agent on ``mail_live``."""
    mail_live.add_user("alex@example.com", "agent", "Alex Agent")
    browser = mail_live.client()
    browser.login("alex@example.com")
    return browser

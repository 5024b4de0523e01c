"""Two ``portal backend`` processes on one PostgreSQL database: one portal, whichever instance answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.accounts import service as accounts
from support.clock import system_clock
from support.migrations import open_portal_store
from support_harness import PASSWORD, Browser, free_port, make_site

pytestmark = pytest.mark.postgresql_only
TICKETS = 20


def start_backend(tmp: Path, name: str, url: str, site: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """``portal backend`` as the systemd unit runs it, with its own data folder (KB index, mail files); (process, base URL)."""
    port = port or free_port()
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_DATA_DIR": str(tmp / name), "PORTAL_SITE_DIR": str(site),
           "PORTAL_SECRET_KEY": "s" * 48, "PORTAL_MAIL_POLL_SECONDS": "0.2"}
    log = open(tmp / f"{name}.log", "a")
    process = subprocess.Popen([Path(sys.executable).with_name("portal"), "backend", "--port", str(port)],
                               env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline and process.poll() is None, (tmp / f"{name}.log").read_text()
        time.sleep(0.1)


@pytest.fixture
def two(tmp_path: Path, database: str) -> Iterator[tuple[str, str]]:
    """Instances A and B on one fresh database, serving one site; their base URLs."""
    site = make_site(tmp_path)
    store = open_portal_store(database)
    accounts.add_user(store, "alex@example.com", "agent", PASSWORD, "Alex Agent", system_clock())
    store.close()
    started = [start_backend(tmp_path, name, database, site) for name in ("a", "b")]
    yield tuple(base for _, base in started)
    for process, _ in started:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_a_session_from_one_instance_is_valid_on_the_other(two: tuple[str, str]) -> None:
    """Signed in through A, the same cookies open the agent queue on B: sessions live in the database."""
    with Browser(base_url=two[0], timeout=10) as a, Browser(base_url=two[1], timeout=10) as b:
        a.login("alex@example.com")
        b.cookies = a.cookies
        assert b.get("/support/queue").status_code == 200
        assert b.get("/api/session").json()["user"]["email"] == "alex@example.com"


def test_tickets_filed_on_both_get_one_id_each_and_one_receipt_each(two: tuple[str, str], tmp_path: Path, database: str) -> None:
    """Filings alternate between A and B; every ticket has its own id and its receipt is sent once, by one of them."""
    body = {"subject": "Conveyor jammed at station 3", "description": "It stopped with alarm E-204.",
            "requester_email": "olga@example.com", "requester_name": "Olga Operator"}
    ids = [httpx.post(two[n % 2] + "/api/tickets", json=body, timeout=10).json()["ticket"]["id"] for n in range(TICKETS)]
    assert sorted(ids) == list(range(1, TICKETS + 1))
    store = open_portal_store(database)
    try:
        deadline = time.monotonic() + 30
        while store.one("SELECT count(*) AS n FROM outbox WHERE status = 'sent'")["n"] < TICKETS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.one("SELECT count(*) AS n FROM outbox")["n"] == TICKETS
    finally:
        store.close()
    time.sleep(1)  # a second sender, were there one, would have sent again by now
    sent = sorted(p.name for name in ("a", "b") for p in (tmp_path / name / "mail").glob("*.eml"))
    assert len(sent) == TICKETS and len(set(sent)) == TICKETS, sent

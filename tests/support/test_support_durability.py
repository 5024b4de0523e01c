"""Durability and concurrency: acknowledged tickets survive SIGKILL; concurrent requests are all served."""

from __future__ import annotations

import pytest

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from support_harness import Live, free_port, make_site

SERVE = "from pathlib import Path; import sys; from support.server import serve; " \
        "serve(portal_dir=Path(sys.argv[1]), site_dir=Path(sys.argv[2]), host='127.0.0.1', port=int(sys.argv[3]), data_dir=None)"


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    """Poll the server until it answers (or fail if it died)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            httpx.get(url + "/api/session", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def test_acknowledged_tickets_survive_sigkill(tmp_path: Path) -> None:
    """Tickets answered with 201 are all in the database after the server process is killed right after the last one."""
    port, site = free_port(), make_site(tmp_path)
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path / "data"), "PORTAL_SLA_SWEEP_SECONDS": "0"}
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp_path), str(site), str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process)
        subjects = []
        with httpx.Client(base_url=url) as client:
            for n in range(10):
                response = client.post("/api/tickets", json={"subject": f"Durable ticket {n}", "description": "Must survive a crash.",
                                                             "requester_email": "olga@example.com"})
                assert response.status_code == 201
                subjects.append(response.json()["ticket"]["subject"])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    conn = sqlite3.connect(tmp_path / "data" / "portal.db")
    stored = [row[0] for row in conn.execute("SELECT subject FROM tickets ORDER BY id")]
    conn.close()
    assert stored == subjects


def test_concurrent_requests_are_all_served(live: Live) -> None:
    """Forty parallel filings and searches from eight threads all succeed, each ticket stored once."""
    def work(n: int) -> tuple[int, int]:
        with httpx.Client(base_url=live.url, timeout=20) as client:
            filed = client.post("/api/tickets", json={"subject": f"Parallel {n}", "description": "Filed in parallel with others.",
                                                      "requester_email": f"user{n}@example.com", "form_id": f"f{n}"})
            found = client.get("/api/suggestions", params={"q": "conveyor jam", "form_id": f"f{n}"})
            return filed.status_code, found.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(40)))
    assert results == [(201, 200)] * 40
    assert live.app.state.store.one("SELECT count(DISTINCT subject) AS n FROM tickets")["n"] == 40


def wal_checkpoint_sequence(data_dir: Path) -> int:
    """The WAL header's checkpoint sequence number: it grows each time a writer starts the WAL over after a full checkpoint."""
    return int.from_bytes((data_dir / "portal.db-wal").read_bytes()[12:16], "big")


@pytest.mark.sqlite_only
def test_wal_is_checkpointed_in_the_background_not_by_requests(live: Live) -> None:
    """Request connections never checkpoint (``wal_autocheckpoint=0``); a background task does, so the WAL is reused."""
    store = live.app.state.store
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    live.file()
    before = wal_checkpoint_sequence(live.data_dir)
    deadline = time.monotonic() + 10
    while wal_checkpoint_sequence(live.data_dir) == before and time.monotonic() < deadline:
        time.sleep(0.3)
        live.file()  # the first write after a complete checkpoint starts the WAL over
    assert wal_checkpoint_sequence(live.data_dir) > before

"""At least once: a SIGKILL of the server while the outbox is sending loses no committed notification."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mail_harness import SmtpServer
from support_harness import free_port, make_site
from test_support_durability import SERVE, wait_until_up

TICKETS = 60


def start(tmp_path: Path, site: Path, port: int, smtp: SmtpServer) -> subprocess.Popen:
    """``support.server.serve`` in its own process (and process group, as a service manager starts it), mailing to ``smtp``."""
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path / "data"), "PORTAL_SLA_SWEEP_SECONDS": "0",
           **{f"PORTAL_{k.upper()}": str(v) for k, v in smtp.settings.items()}}
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp_path), str(site), str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_until_up(f"http://127.0.0.1:{port}", process)
    return process


def stop(process: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` and reap the process."""
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(timeout=20)
    process.stderr.close()


def senders(pid: int) -> set[int]:
    """The mail sender processes whose parent is ``pid`` (multiprocessing's spawned workers; Linux's /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # it ended while we looked
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def committed_message_ids(data_dir: Path) -> list[str]:
    """The Message-ID of every notification in the outbox, as the sender derives it."""
    conn = sqlite3.connect(data_dir / "portal.db")
    rows = conn.execute("SELECT id, nonce FROM outbox ORDER BY id").fetchall()
    conn.close()
    return [f"<outbox-{i}.{nonce}@plant.example>" for i, nonce in rows]


def test_every_committed_notification_arrives_after_a_sigkill_mid_send(tmp_path: Path, smtp: SmtpServer) -> None:
    """60 tickets filed, the server killed while their receipts go out, restarted: every receipt arrives, by Message-ID."""
    smtp.sink.delay = 0.05  # a slow server, so the kill lands mid-batch
    port, site = free_port(), make_site(tmp_path)
    process = start(tmp_path, site, port, smtp)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for n in range(TICKETS):
                response = client.post("/api/tickets", json={"subject": f"Jam {n}", "description": "Mail must survive a crash.",
                                                             "requester_email": f"user{n}@example.com"})
                assert response.status_code == 201
        smtp.sink.wait_for(5, timeout=20)
        sender = senders(process.pid)
    finally:
        stop(process, signal.SIGKILL)
    assert len(sender) == 1  # the mail went out from the sender's own process
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in sender) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in sender)  # it ends with the server it served, killed or not
    before = len(smtp.sink.received)
    expected = committed_message_ids(tmp_path / "data")
    assert len(expected) == TICKETS and before < TICKETS  # every filing's receipt was committed with it; not all were sent
    process = start(tmp_path, site, port, smtp)
    try:
        deadline = time.monotonic() + 30
        while not set(expected) <= set(smtp.sink.message_ids()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop(process, signal.SIGTERM)
    assert set(expected) - set(smtp.sink.message_ids()) == set()


def sent_message_ids(data_dir: Path) -> set[str]:
    """The Message-ID of every notification the outbox records as sent."""
    conn = sqlite3.connect(data_dir / "portal.db")
    rows = conn.execute("SELECT id, nonce FROM outbox WHERE status = 'sent'").fetchall()
    conn.close()
    return {f"<outbox-{i}.{nonce}@plant.example>" for i, nonce in rows}


def test_a_sigterm_to_the_whole_group_mid_send_records_what_was_sent(tmp_path: Path, smtp: SmtpServer) -> None:
    """As systemd stops a service (SIGTERM to every process of it): the sender finishes its batch and the server
    records it before exiting, so nothing that arrived is sent again; nothing is left half-done or traced back."""
    smtp.sink.delay = 0.02
    port, site = free_port(), make_site(tmp_path)
    process = start(tmp_path, site, port, smtp)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for n in range(TICKETS):
            assert client.post("/api/tickets", json={"subject": f"Jam {n}", "description": "Stop me mid-batch.",
                                                     "requester_email": f"user{n}@example.com"}).status_code == 201
    smtp.sink.wait_for(3, timeout=20)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    errors = process.stderr.read().decode()
    process.stderr.close()
    arrived = set(smtp.sink.message_ids())
    assert 0 < len(arrived) < TICKETS
    assert arrived <= sent_message_ids(tmp_path / "data")  # each one that arrived is recorded: none goes out twice
    assert "Traceback" not in errors and "Application shutdown complete" in errors  # uvicorn then re-raises the SIGTERM

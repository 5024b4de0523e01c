"""The agent's side with 100,000 tickets stored: queue pages, the reports page, and a backup under load."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import httpx

from bench import runner
from bench.backend import ticket_requests
from bench.report import Figure
from bench.serverproc import Server, busy_note, latency_loads, start_load
from bench.tickets import AGENT_PASSWORD

QUEUE_FILTERS = ["status=active", "status=open&priority=P2", "assignee=me", "status=active&sla=due_soon",
                 "status=all&priority=P1&tier=2", "status=pending&sort=updated", "status=all&q=S07", "status=active&assignee=none"]


def sign_in(server: Server, email: str = "agent0@example.com") -> str:
    """Sign in through the login form; the ``Cookie`` header value of the agent's session."""
    with httpx.Client(base_url=server.base, follow_redirects=False) as client:
        form = client.get("/support/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        done = client.post("/support/login", data={"email": email, "password": AGENT_PASSWORD, "csrf_token": token})
        if done.status_code != 303:
            raise RuntimeError(f"sign-in failed: {done.status_code} {done.text[:300]}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


AGENT_INTERVAL_MS = 1000  # an agent opening a queue page every second: far more often than people do


def queue(server: Server, cookie: str) -> list[Figure]:
    """The queue's first page (HTML, as agents load it) under eight filter combinations.

    One request at a time, then 20 agents at once (each a page every ``AGENT_INTERVAL_MS``), then the
    same 20 connections kept busy for the throughput (see ``bench.load``).
    """
    requests = [{"method": "GET", "path": f"/support/queue?{f}", "headers": {"Cookie": cookie}} for f in QUEUE_FILTERS]
    single, agents, busy = latency_loads(server, requests, 200, 16, AGENT_INTERVAL_MS)
    return [Figure("backend", "agent queue first page with filters p95 (100,000 tickets, 1 connection)", single["p95_ms"], "ms", "<=", 50,
                   detail={"one_connection": _brief(single), "filters": QUEUE_FILTERS}, note=_bad(single)),
            Figure("backend", f"agent queue p95, 20 agents (20 connections, 1 page/{AGENT_INTERVAL_MS} ms each)", agents["p95_ms"], "ms", "<=", 50,
                   detail={"agents": _brief(agents), "kept_busy": busy}, note=_bad(agents) or busy_note(busy))]


def reports(server: Server, cookie: str, runs: int = 3) -> Figure:
    """The reports page (HTML with every table), one request at a time."""
    times, sizes = [], []
    with httpx.Client(base_url=server.base, headers={"Cookie": cookie}, timeout=120) as client:
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/support/reports")
            times.append(time.perf_counter() - started)
            sizes.append(len(response.content))
            response.raise_for_status()
    return Figure("backend", "reports page (100,000 tickets)", round(1000 * runner.median(times)), "ms", "<=", 500,
                  detail={"runs_ms": [round(1000 * t) for t in times], "bytes": sizes[0]})


def backup_under_load(server: Server, cookie: str, data_dir: Path, work: Path) -> Figure:
    """``portal backup`` while 20 connections file tickets and load the queue; every request must succeed."""
    mixed = ticket_requests(None) + [{"method": "GET", "path": f"/support/queue?{QUEUE_FILTERS[0]}", "headers": {"Cookie": cookie}}]
    out = work / "backup-load.json"
    proc = start_load(server, mixed, 2500, out)
    time.sleep(1.0)
    target = work / "backup.db"
    backup = runner.run([runner.tool("portal"), "backup", str(target), "--data-dir", str(data_dir)], check=False)
    proc.wait(timeout=300)
    result = json.loads(out.read_text().strip().splitlines()[-1])
    failed = result["failures"] + sum(n for s, n in result["statuses"].items() if int(s) >= 400)
    tickets = sqlite3.connect(target).execute("SELECT count(*) FROM tickets").fetchone()[0] if backup.returncode == 0 else None
    return Figure("backend", "portal backup during load: failed requests", failed, "", "<=", 0,
                  detail={"backup_s": round(backup.seconds, 2), "backup_exit": backup.returncode, "backup_tickets": tickets,
                          "backup_ended_before_load": 1.0 + backup.seconds < result["seconds"], "load": _brief(result),
                          "backup_bytes": target.stat().st_size if target.exists() else None},
                  note="" if backup.returncode == 0 else f"backup failed: {backup.output[-300:]}")


def _brief(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "bodies"}


def _bad(result: dict) -> str:
    bad = result["failures"] + sum(n for s, n in result["statuses"].items() if int(s) >= 400)
    return f"{bad} failed requests" if bad else ""

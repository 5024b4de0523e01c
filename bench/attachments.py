"""Ticket filing with routing rules on, and 5 MB attachment uploads during concurrent filing (issue 17).

``figures(work, site, portal_dir)`` serves the backend over its own data folder with a routing file
whose rules fire for the bench's tickets (a round-robin group of three agents), measures filing as
``bench.backend.filing`` does, then uploads 5 MB files one after another while 20 connections file
tickets, and reports that load's p99.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import httpx

from bench import runner
from bench.backend import FILING_REQUESTS, ROUNDS, median_of, ticket_requests
from bench.report import Figure
from bench.serverproc import Server, load, outboxes_drained, start_load

AGENTS = ("ana@example.com", "ben@example.com", "cy@example.com")
RULES = """groups:
  printers: {name: Printers, members: [%s], round_robin: true}
  desk: {name: Tier 1 desk, members: [ana@example.com]}
rules:
  - name: Stopped line
    when: {priority: P1, subject_words: [stopped, jam]}
    then: {tier: 2, group: desk}
  - name: Label printers to the printer group
    when: {subject_words: [label, printer]}
    then: {tier: 2, group: printers}
""" % ", ".join(AGENTS)
UPLOAD_BYTES = 5 * 1024 * 1024
UPLOADS = 6


def figures(work: Path, site: Path, portal_dir: Path, kb_index: Path | None = None) -> list[Figure]:
    """Routed filing (tickets/s, p99) and concurrent filing's p99 while 5 MB files are uploaded."""
    data = work / "data-attachments"
    if kb_index is not None and kb_index.is_dir() and not (data / "kb-index").exists():
        shutil.copytree(kb_index, data / "kb-index")
    data.mkdir(parents=True, exist_ok=True)
    for email in AGENTS:
        _add_agent(data, email)
    rules = work / "routing-bench.yml"
    rules.write_text(RULES)
    env = {"PORTAL_SECRET_KEY": "bench-secret-key-0123456789abcdef", "PORTAL_ROUTING_FILE": str(rules)}
    (work / "logs").mkdir(exist_ok=True)
    with Server(["portal", str(data), str(site), str(portal_dir)], work / "logs" / "portal-attachments.log", **env) as portal:
        rounds = []
        for _ in range(ROUNDS):
            outboxes_drained(portal)  # each round starts as the first did, not sending the last one's receipts
            rounds.append(load(portal, ticket_requests(None), FILING_REQUESTS))
        routed = _routed_share(portal)
        outboxes_drained(portal)
        during = _uploads_during_filing(portal, work)
    return [
        Figure("backend", "ticket filing, routing rules on: tickets/s", median_of(rounds, "rps"), "req/s", ">=", 1000,
               detail={"rounds": [{k: v for k, v in r.items() if k != "bodies"} for r in rounds], "routed": routed}),
        Figure("backend", "ticket filing, routing rules on: p99", median_of(rounds, "p99_ms"), "ms", "<=", 50),
        Figure("backend", "filing p99 while 5 MB files are uploaded", during["p99_ms"], "ms", "<=", 50, detail=during,
               note=f"{during['uploads_ok']} of {UPLOADS} uploads stored, {during['upload_s_median']} s each"),
    ]


def _add_agent(data: Path, email: str) -> None:
    """Create an agent with ``portal user add`` (the password on stdin)."""
    import subprocess

    subprocess.run([runner.tool("portal"), "user", "add", email, "--role", "agent", "--password-stdin", "--data-dir", str(data)],
                   input="bench-password-1234\n", text=True, capture_output=True, env=runner.env(), check=False)


def _routed_share(portal: Server) -> str:
    """How many filed tickets a rule sent to a group (read from the database file)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{portal.args[1]}/portal.db?mode=ro", uri=True)
    try:
        routed, total = conn.execute("SELECT SUM(group_id IS NOT NULL), COUNT(*) FROM tickets").fetchone()
    finally:
        conn.close()
    return f"{routed} of {total} tickets routed"


def _uploads_during_filing(portal: Server, work: Path) -> dict:
    """Upload ``UPLOADS`` files of 5 MB one after another while 20 connections file tickets; the load's figures."""
    body = b"\x89PNG\r\n\x1a\n" + os.urandom(UPLOAD_BYTES - 8)
    with httpx.Client(base_url=portal.base, timeout=60) as client:
        tokens = [client.post("/api/tickets", json=json.loads(ticket_requests(None)[0]["body"].replace("{i}", str(n)))).json()["token"]
                  for n in range(UPLOADS)]
        csrf = client.get("/api/session").json()["csrf_token"]
        out = work / "upload-load.json"
        proc = start_load(portal, ticket_requests(None), FILING_REQUESTS, out)
        time.sleep(0.5)
        times, ok = [], 0
        for token in tokens:
            started = time.perf_counter()
            response = client.post(f"/api/t/{token}/attachments", data={"csrf_token": csrf}, files=[("file", ("photo.png", body))])
            times.append(round(time.perf_counter() - started, 3))
            ok += response.status_code == 201
        proc.wait(timeout=300)
    result = json.loads(out.read_text().strip().splitlines()[-1])
    ended_before = sum(times) + 0.5 < result["seconds"]
    return {"p99_ms": result["p99_ms"], "rps": result["rps"], "uploads_ok": ok, "upload_s": times,
            "upload_s_median": sorted(times)[len(times) // 2], "uploads_within_load": ended_before,
            "statuses": result["statuses"], "failures": result["failures"]}

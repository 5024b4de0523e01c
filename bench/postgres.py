"""Issue 19's rows: ticket filing on PostgreSQL with two instances beside SQLite with one, and the agent
queue's first page over 100,000 tickets on PostgreSQL.

Debian's PostgreSQL 15 runs in a temporary folder (socket only), as the tests start it
(``tests/pg_harness.py``). The two instances share one database and split 20 connections, 10 each,
loaded at the same time; their rates add up and the p99 is the worse of the two. Rounds alternate
with the one SQLite instance, so a slow moment of this shared machine moves one round, not the ratio.
The 100,000 tickets reach PostgreSQL through ``portal migrate-db``, the command a deployment uses.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import threading
from pathlib import Path
from typing import Any

from bench import backend, runner, workspace
from bench.report import Figure
from bench.serverproc import Server, load, outboxes_drained

REPO = Path(__file__).parents[1]


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("pg_harness", REPO / "tests" / "pg_harness.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _data_dir(path: Path, kb_index: Path) -> Path:
    """A data folder with the KB index already built (as the other backend rows start)."""
    shutil.copytree(kb_index, path / "kb-index", dirs_exist_ok=True)
    return path


def _together(servers: list[Server], page_id: str, count: int) -> dict[str, Any]:
    """Load each server with its share of 20 connections at the same time; the summed rate, the worse p99."""
    results: list[dict[str, Any]] = [{} for _ in servers]

    def run(i: int) -> None:
        results[i] = load(servers[i], backend.ticket_requests(page_id), count // len(servers), connections=20 // len(servers))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": round(sum(r["rps"] for r in results), 1), "p99_ms": max(r["p99_ms"] for r in results),
            "failures": sum(r["failures"] for r in results),
            "statuses": {k: sum(r["statuses"].get(k, 0) for r in results) for r in results for k in r["statuses"]},
            "instances": [{k: v for k, v in r.items() if k != "bodies"} for r in results]}


def figures(work: Path, site: Path, portal_dir: Path, page_id: str, kb_index: Path, env: dict[str, str],
            data_100k: Path | None) -> list[Figure]:
    """The filing pair (PostgreSQL x2 vs SQLite x1) and, when the 100,000-ticket data is there, the queue on PostgreSQL."""
    pg = _harness().PostgresServer().start()
    logs = work / "logs"
    try:
        pg.admin("CREATE DATABASE filing")
        on_pg = {**env, "PORTAL_DATABASE_URL": pg.url("filing")}
        out: list[Figure] = []
        with Server(["portal", str(_data_dir(work / "pg-a", kb_index)), str(site), str(portal_dir)], logs / "pg-a.log", **on_pg) as a, \
                Server(["portal", str(_data_dir(work / "pg-b", kb_index)), str(site), str(portal_dir)], logs / "pg-b.log", **on_pg) as b, \
                Server(["portal", str(_data_dir(work / "sqlite-1", kb_index)), str(site), str(portal_dir)], logs / "sqlite-1.log", **env) as one:
            ours, peer = [], []
            for _ in range(backend.ROUNDS):
                outboxes_drained(a, b, one)  # no round pays for sending the last one's receipts
                ours.append(_together([a, b], page_id, backend.FILING_REQUESTS))
                outboxes_drained(a, b, one)
                peer.append(load(one, backend.ticket_requests(page_id), backend.FILING_REQUESTS))
        rps, base = statistics.median(r["rps"] for r in ours), statistics.median(r["rps"] for r in peer)
        bad = sum(r["failures"] + sum(n for s, n in r["statuses"].items() if int(s) >= 400) for r in ours)
        detail = {"postgresql_two_instances": ours, "sqlite_one_instance": [{k: v for k, v in r.items() if k != "bodies"} for r in peer]}
        out += [
            Figure("backend", "ticket filing on PostgreSQL, 2 instances: tickets/s (20 connections)", round(rps, 1), "req/s", ">=", 1000,
                   baseline=round(base, 1), baseline_label="SQLite, 1 instance, same run", detail=detail,
                   note=f"{bad} failed requests" if bad else ""),
            Figure("backend", "ticket filing on PostgreSQL, 2 instances: p99 latency", statistics.median(r["p99_ms"] for r in ours), "ms",
                   "<=", 50, baseline=statistics.median(r["p99_ms"] for r in peer), baseline_label="SQLite p99"),
        ]
        if data_100k is not None:
            pg.admin("CREATE DATABASE queue")
            runner.run([runner.tool("portal"), "migrate-db", "--to", pg.url("queue"), "--data-dir", str(data_100k)], **env)
            on_queue = {**env, "PORTAL_DATABASE_URL": pg.url("queue")}
            with Server(["portal", str(_data_dir(work / "pg-queue", kb_index)), str(site), str(portal_dir)], logs / "pg-queue.log",
                        **on_queue) as server:
                shown = workspace.queue(server, workspace.sign_in(server))
            for figure in shown[:1]:
                figure.name = figure.name.replace("agent queue", "agent queue on PostgreSQL")
                out.append(figure)
        return out
    finally:
        pg.stop()

"""Starting and stopping a server under test, and running the load generator against it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import runner
from bench.reload import fetch, free_port, wait_for

START_TIMEOUT = 240.0


class Server:
    """One ``python -m bench.server ...`` process on 127.0.0.1, stopped with SIGINT on exit."""

    def __init__(self, args: list[str], log: Path, ready_path: str = "/api/openapi.json", **env: str):
        self.port = free_port()
        self.args, self.log, self.ready_path, self.env = args, log, ready_path, env
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_s: float | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        with self.log.open("a") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bench.server", *self.args, str(self.port)],
                                         env=runner.env(**self.env), stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[1])
        try:
            self.startup_s = wait_for(lambda: self.proc.poll() is not None or fetch(self.base + self.ready_path) is not None, START_TIMEOUT, 0.1)
        except BaseException:
            self.__exit__()
            raise
        if self.startup_s is None or self.proc.poll() is not None:
            self.__exit__()
            raise RuntimeError(f"server {self.args} did not start:\n{self.log.read_text()[-3000:]}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def queued_mail(server: Server) -> int:
    """How many messages are due in a portal server's outbox (read from its database, as an operator would).

    One waiting for a retry later is not counted: the sender leaves it alone until then.
    """
    from support.clock import iso, system_clock

    url = server.env.get("PORTAL_DATABASE_URL")
    due = ("SELECT count(*) FROM outbox WHERE status = 'queued' AND next_attempt_at <= " + ("%s" if url else "?"), [iso(system_clock())])
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute(*due).fetchone()[0]
    conn = sqlite3.connect(f"file:{Path(server.args[1]) / 'portal.db'}?mode=ro", uri=True)
    try:
        return conn.execute(*due).fetchone()[0]
    finally:
        conn.close()


def outboxes_drained(*servers: Server, timeout: float = 120.0) -> float:
    """Wait until no portal server among ``servers`` has mail due; the seconds waited.

    Between alternated rounds: a round's receipts are still being sent when it ends, and without the wait
    that sending takes the CPU of the next round, which is the peer's (docs/performance.md, 2026-12-06).
    """
    portals = [s for s in servers if s.args[0] == "portal"]
    started = time.perf_counter()
    while any(queued_mail(s) for s in portals):
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"the outbox did not drain in {timeout:.0f} s")
        time.sleep(0.1)
    return round(time.perf_counter() - started, 2)


def load(server: Server, requests: list[dict[str, Any]], count: int, connections: int = 20, warmup: int = 100,
         keep_bodies: bool = False, interval_ms: float = 0) -> dict[str, Any]:
    """Run ``bench.load`` in its own process against ``server``; its JSON result.

    ``interval_ms``: each connection sends one request per interval instead of back to back (see ``bench.load``).
    """
    spec = {"host": "127.0.0.1", "port": server.port, "connections": connections, "count": count, "warmup": warmup,
            "requests": requests, "keep_bodies": keep_bodies, "interval_ms": interval_ms}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
    try:
        result = runner.run([sys.executable, "-m", "bench.load", file.name], cwd=Path(__file__).parents[1])
    finally:
        Path(file.name).unlink()
    return json.loads(result.output.strip().splitlines()[-1])


def latency_loads(server: Server, requests: list[dict[str, Any]], count: int, warmup: int, interval_ms: float,
                  keep_bodies: bool = False) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The three loads behind a latency figure: one connection, 20 paced users, and 20 connections kept busy.

    Only the first keeps the response bodies (when asked to); the third measures throughput.
    """
    single = load(server, requests, count, connections=1, warmup=warmup, keep_bodies=keep_bodies)
    paced = load(server, requests, count, warmup=warmup, interval_ms=interval_ms)
    busy = {k: v for k, v in load(server, requests, count, warmup=warmup).items() if k != "bodies"}
    return single, paced, busy


def busy_note(busy: dict[str, Any]) -> str:
    """The kept-busy load's throughput and p95, for a figure's note."""
    return f"20 connections kept busy: {busy['rps']} req/s, p95 {busy['p95_ms']} ms"


def start_load(server: Server, requests: list[dict[str, Any]], count: int, out: Path, connections: int = 20) -> subprocess.Popen[bytes]:
    """Start ``bench.load`` in the background, writing its JSON result to ``out`` (for work done during load)."""
    spec_file = out.with_suffix(".spec.json")
    spec_file.write_text(json.dumps({"host": "127.0.0.1", "port": server.port, "connections": connections,
                                     "count": count, "warmup": 0, "requests": requests}))
    with out.open("w") as handle:
        return subprocess.Popen([sys.executable, "-m", "bench.load", str(spec_file)], stdout=handle,
                                stderr=subprocess.STDOUT, env=runner.env(), cwd=Path(__file__).parents[1])

"""Mail benchmarks: ticket filing with notifications on next to off (the ratio is the figure), the outbox's
delivery rate to a local SMTP server (aiosmtpd), and filing while 10,000 queued notifications drain.

Every SMTP server here is aiosmtpd on 127.0.0.1 in this process, accepting and counting messages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.backend import FILING_REQUESTS, ROUNDS, _failures, median_of, ticket_requests
from bench.report import Figure
from bench.serverproc import Server, free_port, load, outboxes_drained
from support.clock import system_clock
from support.migrations import open_portal_store
from support.notifications import service
from support.settings import load_settings

DELIVERY_MESSAGES = 3000
QUEUED = 10_000


class Counter:
    """aiosmtpd handler that accepts every message and counts them."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook signature
        with self.lock:
            self.count += 1
        return "250 OK"


class Sink:
    """A local SMTP server for one measurement."""

    def __init__(self) -> None:
        self.handler = Counter()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def env(self) -> dict[str, str]:
        """The backend's settings that deliver here."""
        return {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(self.controller.port), "PORTAL_SMTP_SECURITY": "none",
                "PORTAL_MAIL_FROM": "Bench <support@bench.example>", "PORTAL_MAIL_POLL_SECONDS": "0.2"}


def figures(work: Path, site: Path, portal_dir: Path, page_id: str, env: dict[str, str]) -> list[Figure]:
    """The three mail rows: filing on vs off, outbox delivery rate, filing while 10,000 queued drain."""
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    with Sink() as sink:
        out = filing_on_off(work, site, portal_dir, page_id, {**env, **sink.env()}, logs)
        out.append(delivery_rate(work / "mail-delivery", sink))
        drained = filing_while_draining(work, site, portal_dir, page_id, {**env, **sink.env()}, logs, sink)
    drained[0].baseline, drained[0].baseline_label = out[1].value, "filing p99 with an empty outbox, same run"
    return out + drained


def filing_on_off(work: Path, site: Path, portal_dir: Path, page_id: str, env: dict[str, str], logs: Path) -> list[Figure]:
    """Filing with notifications on (each ticket queues its receipt) and off (``PORTAL_NOTIFICATIONS=false``), rounds alternating."""
    on_args = ["portal", str(work / "data-mail-on"), str(site), str(portal_dir)]
    off_args = ["portal", str(work / "data-mail-off"), str(site), str(portal_dir)]
    with Server(on_args, logs / "mail-on.log", **env) as on, Server(off_args, logs / "mail-off.log", **env, PORTAL_NOTIFICATIONS="false") as off:
        ours, peer = [], []
        for _ in range(ROUNDS):
            outboxes_drained(on)
            ours.append(load(on, ticket_requests(page_id), FILING_REQUESTS))
            outboxes_drained(on)  # the round's receipts are sent before the "off" round, not during it
            peer.append(load(off, ticket_requests(page_id), FILING_REQUESTS))
    detail = {"on": [{k: v for k, v in r.items() if k != "bodies"} for r in ours],
              "off": [{k: v for k, v in r.items() if k != "bodies"} for r in peer]}
    return [
        Figure("mail", "filing with notifications on: tickets/s", median_of(ours, "rps"), "req/s", ">=", 1000,
               baseline=median_of(peer, "rps"), baseline_label="notifications off, same run", detail=detail, note=_failures(ours)),
        Figure("mail", "filing with notifications on: p99 latency", median_of(ours, "p99_ms"), "ms", "<=", 50,
               baseline=median_of(peer, "p99_ms"), baseline_label="notifications off p99"),
    ]


def _seed_outbox(data_dir: Path, count: int) -> None:
    """``count`` queued receipts in a fresh database, as filing leaves them (each rendered by the sender from its values)."""
    store = open_portal_store(data_dir / "portal.db")
    now = system_clock()
    settings = load_settings(data_dir=data_dir)
    with store.tx():
        for i in range(count):
            ticket = {"id": i + 1, "subject": "Conveyor jammed", "description": "The belt stopped at S04.", "status": "new",
                      "priority": "P3", "tier": 1, "category": "Problem", "requester_name": "Olga",
                      "requester_email": f"user{i}@example.com", "assignee_name": None}
            service.enqueue(store, settings, "ticket_received", [ticket["requester_email"]],
                            {"ticket": ticket, "ticket_url": f"http://127.0.0.1:8000/support/t/token{i}", "proof_url": None,
                             "proof_days": 7, "reason": "you filed this request; replies to it come by mail."}, now)
    store.close()


def delivery_rate(data_dir: Path, sink: Sink) -> Figure:
    """Messages per second the background sender's rounds deliver to the local SMTP server (its process started by this one)."""
    _seed_outbox(data_dir, DELIVERY_MESSAGES)
    overrides = {k.removeprefix("PORTAL_").lower(): v for k, v in sink.env().items()}
    settings = load_settings(data_dir=data_dir, **overrides)
    store = open_portal_store(data_dir / "portal.db")
    before = sink.handler.count

    sender = service.Sender(settings)

    async def drain() -> None:
        store.serve_from_this_thread()
        while await service.deliver_due(store, sender, system_clock):
            pass

    started = time.perf_counter()
    try:
        asyncio.run(drain())
    finally:
        sender.close()
    seconds = time.perf_counter() - started
    delivered = sink.handler.count - before
    left = store.one("SELECT count(*) AS n FROM outbox WHERE status != 'sent'")["n"]
    store.close()
    shutil.rmtree(data_dir, ignore_errors=True)
    return Figure("mail", "outbox delivery to a local SMTP server: messages/s", round(delivered / seconds, 1), "msg/s", ">=", 200,
                  detail={"messages": DELIVERY_MESSAGES, "seconds": round(seconds, 2), "not_sent": left},
                  note=f"{left} not sent" if left else "")


def filing_while_draining(work: Path, site: Path, portal_dir: Path, page_id: str, env: dict[str, str], logs: Path,
                          sink: Sink) -> list[Figure]:
    """Filing's p99 while the server's sender delivers 10,000 queued notifications to the local SMTP server."""
    data = work / "data-mail-drain"
    _seed_outbox(data, QUEUED)
    before = sink.handler.count
    with Server(["portal", str(data), str(site), str(portal_dir)], logs / "mail-drain.log", **env) as portal:
        started = time.perf_counter()
        result = load(portal, ticket_requests(page_id), FILING_REQUESTS * 2)
        seconds = time.perf_counter() - started
        during = sink.handler.count - before
    detail = {"queued": QUEUED, "delivered_during_load": during, "load_seconds": round(seconds, 1),
              "rps": result["rps"], "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    return [Figure("mail", f"filing p99 while {QUEUED:,} queued notifications drain", result["p99_ms"], "ms", "<=", 50, detail=detail,
                   note=f"{during:,} messages delivered during the {seconds:.0f} s of filing; {_failures([result])}".rstrip("; "))]

"""Backend benchmarks over HTTP: ticket filing against the bare peer, and KB suggestions over 10,000 articles."""

from __future__ import annotations

import json
import statistics
from urllib.parse import quote

from bench.kbcorpus import Query
from bench.report import Figure
from bench.serverproc import Server, busy_note, latency_loads, load, outboxes_drained

FILING_REQUESTS = 3000
ROUNDS = 3  # load rounds per server for the 20-connection figures (median reported, every round in the detail)
TICKET = {"subject": "Label printer {i} at S04 prints blank labels", "requester_email": "operator{i}@example.com",
          "description": "Since the shift started the label printer prints blank labels; request {i}.", "requester_name": "Operator"}


def ticket_requests(page_id: str | None) -> list[dict]:
    """Anonymous JSON filings, half of them from a page's help link (carrying its id, title and URL)."""
    plain = {"method": "POST", "path": "/api/tickets", "body": json.dumps(TICKET)}
    if page_id is None:
        return [plain]
    from_page = {**TICKET, "page_id": page_id, "page_title": "An article", "page_url": f"articles/{page_id}/"}
    return [plain, {"method": "POST", "path": "/api/tickets", "body": json.dumps(from_page)}]


def filing(portal: Server, bare: Server, page_id: str, rounds: int = ROUNDS) -> list[Figure]:
    """Tickets per second and p99 through ``POST /api/tickets``, and the bare insert endpoint's in the same run.

    Rounds alternate between the two servers; each figure is the median over the rounds, so a moment
    when this shared machine runs slow moves one round, not the figure. Each round starts with the
    portal's outbox drained (``outboxes_drained``).
    """
    ours, peer = [], []
    for _ in range(rounds):
        outboxes_drained(portal)
        ours.append(load(portal, ticket_requests(page_id), FILING_REQUESTS))
        outboxes_drained(portal)  # the round's receipts are sent before the peer's round, not during it
        peer.append(load(bare, ticket_requests(None), FILING_REQUESTS))
    detail = {"portal": [_brief(r) for r in ours], "bare": [_brief(r) for r in peer], "connections": 20,
              "requests_per_round": FILING_REQUESTS}
    return [
        Figure("backend", "ticket filing: tickets/s (20 connections)", median_of(ours, "rps"), "req/s", ">=", 1000,
               baseline=median_of(peer, "rps"), baseline_label="bare FastAPI + sqlite-utils insert", detail=detail,
               note=_failures(ours)),
        Figure("backend", "ticket filing: p99 latency", median_of(ours, "p99_ms"), "ms", "<=", 50, baseline=median_of(peer, "p99_ms"),
               baseline_label="bare insert p99"),
    ]


def median_of(results: list[dict], key: str) -> float:
    """The median of one figure over load rounds."""
    return round(statistics.median(r[key] for r in results), 2)


def _brief(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "bodies"}


def _failures(results: list[dict]) -> str:
    bad = sum(r["failures"] + sum(n for s, n in r["statuses"].items() if int(s) >= 400) for r in results)
    return f"{bad} failed requests" if bad else ""


def suggestion_requests(queries: list[Query]) -> list[dict]:
    """``GET /api/suggestions?q=...`` for each query (no form id, so nothing is written)."""
    return [{"method": "GET", "path": f"/api/suggestions?q={quote(q.text)}"} for q in queries]


def top5(bodies: dict[str, str], queries: list[Query]) -> float:
    """Share of answered queries whose source article is among the suggestions (at most five)."""
    hits = 0
    for key, body in bodies.items():
        ids = [s["id"] for s in json.loads(body)["suggestions"][:5]]
        hits += queries[int(key) % len(queries)].article_id in ids
    return round(hits / len(bodies), 3) if bodies else 0.0


TYPING_INTERVAL_MS = 300  # the ticket form asks for suggestions 300 ms after the last keystroke (support/static/suggest.js)


def measure_suggestions(portal: Server, queries: list[Query]) -> dict:
    """Suggestions one request at a time, with 20 people typing at once, and with 20 connections kept busy.

    The typing figure gives each of 20 connections one request per ``TYPING_INTERVAL_MS``: a person
    typing without pause (about 67 requests/s in all). Kept busy, the same 20 connections measure
    throughput; their latency is then the queue of 19 requests ahead, whatever the engine.
    """
    single, typing, busy = latency_loads(portal, suggestion_requests(queries), len(queries), 20, TYPING_INTERVAL_MS, keep_bodies=True)
    return {"single": single, "typing": typing, "busy": busy, "top5": top5(single["bodies"], queries)}


def suggestion_figures(measured: dict, peer: dict, startup_s: float | None) -> list[Figure]:
    """The suggestion figures next to SQLite FTS5 over the same articles and queries."""
    single, typing, busy = (_brief(measured[k]) for k in ("single", "typing", "busy"))
    fts = peer["fts5"]
    return [
        Figure("backend", "KB suggestions p50 (10,000 articles, 1 connection)", single["p50_ms"], "ms", "<=", 10,
               baseline=fts["p50_ms"], baseline_label="SQLite FTS5 p50, in-process",
               detail={"one_connection": single, "engines_in_process": peer, "server_start_s": startup_s}),
        Figure("backend", "KB suggestions p95 (1 connection)", single["p95_ms"], "ms", "<=", 25,
               baseline=fts["p95_ms"], baseline_label="SQLite FTS5 p95, in-process"),
        Figure("backend", "KB suggestions relevance: source article in top 5", measured["top5"], "", ">=", 0.9,
               baseline=fts["top5"], baseline_label="SQLite FTS5 top-5 share"),
        Figure("backend", f"KB suggestions p95, 20 people typing (20 connections, 1 request/{TYPING_INTERVAL_MS} ms each)",
               typing["p95_ms"], "ms", "<=", 25,
               detail={"typing": typing, "kept_busy": busy}, note=busy_note(busy)),
    ]


def site_search_figures(portal: Server, queries: list[Query]) -> list[Figure]:
    """The site box's backend search (``GET /api/search``, ten pages a query) over 10,000 articles, as the suggestions are measured."""
    requests = [{"method": "GET", "path": f"/api/search?q={quote(q.text)}"} for q in queries]
    single, typing, busy = (_brief(r) for r in latency_loads(portal, requests, len(queries), 20, TYPING_INTERVAL_MS))
    return [
        Figure("backend", "site search (backend) p50, 20 people typing (10,000 articles)", typing["p50_ms"], "ms", "<=", 10,
               baseline=single["p50_ms"], baseline_label="one connection p50",
               detail={"one_connection": single, "typing": typing, "kept_busy": busy}),
        Figure("backend", "site search (backend) p95, 20 people typing", typing["p95_ms"], "ms", "<=", 25,
               baseline=single["p95_ms"], baseline_label="one connection p95", note=busy_note(busy)),
    ]

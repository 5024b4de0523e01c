"""What the per-request layers cost, in-process: ``python -m bench.telemetry_cost`` (not part of ``make bench``).

Each layer (``RequestTelemetry``: request id, metrics; the JSON access log; forwarded headers) is
called around an ASGI app that answers at once, against that bare app, best of five rounds of
20,000 requests; printed in microseconds per request.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from support.metrics import Metrics
from support.web.accesslog import AccessLog
from support.web.telemetry import RequestTelemetry

REQUESTS, ROUNDS = 20_000, 5
ROUTE = Route("/api/tickets/{ticket_id}", lambda request: None)
HEADERS = [(b"host", b"portal.example.com"), (b"user-agent", b"bench"), (b"accept", b"application/json"),
           (b"x-forwarded-for", b"203.0.113.7"), (b"x-forwarded-proto", b"https"), (b"cookie", b"portal_session=abc")]


async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The bare app: a matched route and an empty 200."""
    scope["route"] = ROUTE
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def per_request(app: Any) -> float:
    """Best per-request time in microseconds over ``ROUNDS`` rounds."""
    async def send(message: dict[str, Any]) -> None:
        return None

    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            scope = {"type": "http", "method": "GET", "path": "/api/tickets/42", "raw_path": b"/api/tickets/42", "query_string": b"",
                     "headers": HEADERS, "client": ("127.0.0.1", 5000), "http_version": "1.1", "scheme": "http"}
            await app(scope, None, send)
        best = min(best, (time.perf_counter() - started) / REQUESTS * 1e6)
    return best


async def main() -> None:
    """Print each layer's cost over the bare app."""
    log = AccessLog(answer, stream=io.StringIO(), json_lines=True)
    stacks = {
        "bare app": answer,
        "RequestTelemetry (id + metrics)": RequestTelemetry(answer, Metrics()),
        "+ forwarded headers": ProxyHeadersMiddleware(RequestTelemetry(answer, Metrics()), trusted_hosts=["127.0.0.1"]),
        "JSON access log alone": log,
    }
    bare = None
    for name, app in stacks.items():
        cost = await per_request(app)
        bare = cost if bare is None else bare
        log.lines.clear()
        print(f"{name:34} {cost:6.2f} us/request  (+{cost - bare:5.2f})")


if __name__ == "__main__":
    asyncio.run(main())

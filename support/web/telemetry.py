"""Per request: its id (``X-Request-ID``, sent back) and its count and latency in the metrics (pure ASGI middleware).

The id is the client's (or the proxy's: nginx sends ``$request_id``) when it is a sane token, else a new
random one. It is kept in ``scope["state"]["request_id"]`` for the access log and in ``REQUEST_ID`` for
log records written while the request runs.
"""

from __future__ import annotations

import contextvars
import os
import re
import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from support.metrics import Metrics

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
SANE_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/api/tickets/{ticket_id}``), ``/mount/{path}`` for a mount, else ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        return UNMATCHED
    return f"{path}/{{path}}" if isinstance(route, Mount) else path


def incoming_id(scope: Scope) -> str | None:
    """The request's own ``X-Request-ID`` if it is a sane token (letters, digits, ``._:/+=-``, at most 128), else None."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            return value.decode("ascii") if SANE_ID.fullmatch(value) else None
    return None


class RequestTelemetry:
    """Gives each HTTP request an id and counts it, with its route template, status and duration, in ``metrics``.

    A request whose handler raised counts as a 500 (Starlette's error middleware, outside this one, answers it).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = incoming_id(scope) or os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
            self.metrics.observe(route_template(scope), scope["method"], status, time.perf_counter() - started)

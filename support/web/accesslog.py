"""The access log: one line per response, in uvicorn's format or as JSON, written in batches (like nginx's ``buffer=`` / ``flush=``).

uvicorn's own access log runs Python's logging machinery and writes to stdout once per response;
under load that cost about a twentieth of a quiz submission (two servers side by side: 1.06x the
submissions per second without it). Here a response only appends a line to a list, and ``flush``
writes the list at once: ``FLUSH_SECONDS`` after the first line of a batch (a timer on the event
loop), as soon as ``MAX_LINES`` have piled up, and when the server stops (at the app's shutdown,
and again after uvicorn returns in ``support.server``). So a line appears at most about a second
after its response, also when no other request follows.

As JSON (``PORTAL_LOG_FORMAT=json``) a line is an object: ``time`` (UTC, when the answer started),
``request_id`` (``support.web.telemetry``), ``user_id`` (null when anonymous), ``client``, ``method``,
``route`` (the template), ``path`` (private-link tokens redacted, with the query), ``status`` and
``duration_ms`` (from the request to the start of the answer). ``JsonFormatter`` writes the other
log records (uvicorn's, the backend's errors) in the same shape.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import sys
import time
from http import HTTPStatus
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from support.web.telemetry import REQUEST_ID, route_template

FLUSH_SECONDS = 1.0
MAX_LINES = 512
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
# A private link's token is as good as a password to its ticket; the database keeps only its hash, so the log must not keep it either.
_PRIVATE_LINK = re.compile(rb"^(/support/t/|/api/t/)[^/?]+")


class AccessLog:
    """The outermost ASGI layer: records ``client - "METHOD /path?query HTTP/x" status phrase`` per response.

    Outermost, so that it also logs what Starlette's error middleware answers for an unhandled exception.
    """

    def __init__(self, app: ASGIApp, stream: TextIO | None = None, json_lines: bool = False) -> None:
        self.app = app
        self.stream = stream
        self.json_lines = json_lines
        self.lines: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the last lines go out before the app reports its shutdown complete
            async def flushing_send(message: Message) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    self.flush()
                await send(message)

            await self.app(scope, receive, flushing_send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.record(scope, message["status"], time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, logged_send)

    def record(self, scope: Scope, status: int, seconds: float = 0.0) -> None:
        """Queue the line of one response (written by the next ``flush``)."""
        client = scope.get("client")
        target = _PRIVATE_LINK.sub(rb"\1[token]", scope.get("raw_path") or scope["path"].encode())
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        if not self.lines:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
        if self.json_lines:
            self.lines.append(_json_line(scope, status, seconds, target.decode("latin-1")))
        else:
            where = f"{client[0]}:{client[1]}" if client else "-"
            self.lines.append(f'INFO:     {where} - "{scope["method"]} {target.decode("latin-1")} HTTP/{scope["http_version"]}" '
                              f'{status} {_PHRASES.get(status, "")}\n')
        if len(self.lines) >= MAX_LINES:
            self.flush()

    def flush(self) -> None:
        """Write the queued lines (to ``stream``, else the current ``sys.stdout``, where uvicorn's access log goes)."""
        if not self.lines:
            return
        lines, self.lines = self.lines, []
        stream = self.stream or sys.stdout
        stream.write("".join(lines))
        stream.flush()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_line(scope: Scope, status: int, seconds: float, target: str) -> str:
    state = scope.get("state") or {}
    user = state.get("user")
    client = scope.get("client")
    return json.dumps({
        "time": _now(), "level": "info", "logger": "access", "request_id": state.get("request_id"),
        "user_id": user["id"] if user else None, "client": client[0] if client else None, "method": scope["method"],
        "route": route_template(scope), "path": target, "status": status, "duration_ms": round(seconds * 1000, 2),
    }, ensure_ascii=False) + "\n"


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, message, the request id (if any), the traceback (if any)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's JSON line (no trailing newline; the handler adds it)."""
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None) or REQUEST_ID.get()}  # extra= outside RequestTelemetry
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

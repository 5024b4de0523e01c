"""The access log: one line per response, in uvicorn's format, written in batches (like nginx's ``buffer=`` / ``flush=``).

uvicorn's own access log runs Python's logging machinery and writes to stdout once per response;
under load that cost about a twentieth of a quiz submission (two servers side by side: 1.06x the
submissions per second without it). Here a response only appends a line to a list, and ``flush``
writes the list at once: ``FLUSH_SECONDS`` after the first line of a batch (a timer on the event
loop), as soon as ``MAX_LINES`` have piled up, and when the server stops (at the app's shutdown,
and again after uvicorn returns in ``support.server``). So a line appears at most about a second
after its response, also when no other request follows.
"""

from __future__ import annotations

import asyncio
import re
import sys
from http import HTTPStatus
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLUSH_SECONDS = 1.0
MAX_LINES = 512
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
# A private link's token is as good as a password to its ticket; the database keeps only its hash, so the log must not keep it either.
_PRIVATE_LINK = re.compile(rb"^(/support/t/|/api/t/)[^/?]+")


class AccessLog:
    """The outermost ASGI layer: records ``client - "METHOD /path?query HTTP/x" status phrase`` per response.

    Outermost, so that it also logs what Starlette's error middleware answers for an unhandled exception.
    """

    def __init__(self, app: ASGIApp, stream: TextIO | None = None) -> None:
        self.app = app
        self.stream = stream
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

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.record(scope, message["status"])
            await send(message)

        await self.app(scope, receive, logged_send)

    def record(self, scope: Scope, status: int) -> None:
        """Queue the line of one response (written by the next ``flush``)."""
        client = scope.get("client")
        where = f"{client[0]}:{client[1]}" if client else "-"
        target = _PRIVATE_LINK.sub(rb"\1[token]", scope.get("raw_path") or scope["path"].encode())
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        if not self.lines:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
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

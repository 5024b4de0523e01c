"""Live reload for ``portal serve``: an open page reloads itself once the site it shows has changed.

Served pages only: an ASGI wrapper around the backend adds ``<script src="/_portal/live.js">`` to
each HTML page of the site as it is sent (``portal build`` output never carries it) and answers two
addresses of its own. The script asks ``/_portal/live?since=ID``, which answers as soon as the
site's build id differs from ID (or after ``WAIT_SECONDS``, with the same id), and reloads the page
when the id has changed, keeping its scroll position. Same-origin script and requests only, so the
site's Content-Security-Policy (``script-src 'self'``) allows them.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

SCRIPT_PATH = "/_portal/live.js"
LIVE_PATH = "/_portal/live"
SCRIPT = Path(__file__).with_suffix(".js")
WAIT_SECONDS = 4.0  # an unanswered wait holds uvicorn's graceful shutdown (Ctrl+C, SIGTERM) this long
CHECK_SECONDS = 0.05
BACKEND_PREFIXES = ("/api", "/support")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class BuildId:
    """The id of what the served site shows; the watcher moves it on after each publish (thread-safe)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.value = f"{time.time_ns():x}-0"

    def bump(self) -> str:
        """A new id: the site changed."""
        with self._lock:
            self.value = f"{self.value.split('-')[0]}-{next(self._counter)}"
            return self.value


def wrap(app: App, build: BuildId) -> App:
    """``app`` with the live reload script in the site's pages and the two live reload addresses."""

    async def live(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = scope.get("path", "")
        if path == SCRIPT_PATH:
            return await _respond(send, SCRIPT.read_bytes(), b"text/javascript; charset=utf-8")
        if path == LIVE_PATH:
            since = parse_qs(scope.get("query_string", b"").decode()).get("since", [""])[0]
            return await _respond(send, (await _changed(build, since)).encode(), b"text/plain; charset=utf-8")
        if path.startswith(BACKEND_PREFIXES):
            return await app(scope, receive, send)
        await app(scope, receive, _injecting(send, build.value))

    return live


async def _changed(build: BuildId, since: str) -> str:
    """The build id once it differs from ``since`` (at once when it already does), else after the wait."""
    deadline = time.monotonic() + WAIT_SECONDS
    while build.value == since and time.monotonic() < deadline:
        await asyncio.sleep(CHECK_SECONDS)
    return build.value


async def _respond(send: Send, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _injecting(send: Send, build_id: str) -> Send:
    """A ``send`` that holds an HTML response's body and sends it with the script tag before ``</body>``.

    The tag carries the build id as the page was read, so a publish between sending the page and
    the script's first question still reloads it.
    """
    held: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/html") and message.get("status") == 200:
                held["start"] = message
                return
        if "start" not in held or message["type"] != "http.response.body":
            return await send(message)
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = _with_tag(b"".join(chunks), build_id)
        start = held.pop("start")
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return sending


def _with_tag(html: bytes, build_id: str) -> bytes:
    tag = f'<script src="{SCRIPT_PATH}" data-build="{build_id}" defer></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag

"""Security headers on every answer: the content security policies, framing, referrer, caching (pure ASGI middleware)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
# The built site's policy; no outside host is allowed for anything. 'unsafe-inline' for scripts: Material puts two small
# scripts in every page, one differing with the page's depth (__md_scope=new URL("../..",location)), so no fixed hash
# could allow it; and for styles: Mermaid writes its diagrams' styles inline (a <style> and style attributes per SVG).
SITE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SHARED = ("/support/static/", "/api/openapi.json", "/api/docs")  # the same for everyone: may be cached


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers (Starlette's ``BaseHTTPMiddleware`` costs a task per request).

    Every response: ``nosniff`` and a same-origin referrer policy; backend pages (``/support``) also
    a content security policy and no framing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        # same-origin, the private link included: it keeps the link's token out of other sites' Referer headers,
        # where no-referrer made Chromium send "Origin: null" with the page's own reply form (refused as cross-site).
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        if path.startswith("/support"):
            extra += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
        extra += _more_headers(path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _more_headers(path: str) -> list[tuple[bytes, bytes]]:
    """Outside ``/support`` a CSP and no framing too: the API's (JSON, docs) is the backend's policy, the site's
    ``SITE_CSP``; ``Cache-Control: no-store`` for every backend answer but the ``SHARED`` ones (pages and JSON per user)."""
    headers = []
    if not path.startswith("/support"):
        policy = CSP if path.startswith("/api") else SITE_CSP
        headers += [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY")]
    if path.startswith(("/support", "/api")) and not path.startswith(SHARED):
        headers.append((b"cache-control", b"no-store"))
    return headers

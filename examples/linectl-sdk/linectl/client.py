"""The client: one authenticated connection to a LineCtl server, with a resource per area."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

from .alarms import Alarms
from .errors import BY_STATUS, ApiError, RateLimited
from .work_orders import WorkOrders


class Client:
    """A connection to the LineCtl REST API.

    Args:
        base_url: The API's base URL, e.g. ``https://linectl.example.internal/api/v2``.
        token: A personal access token (JWT) or a machine client's API key.
        timeout: Seconds to wait for each answer.
        retries: How often a request answered with 429 is tried again, after the ``Retry-After`` wait.

    Attributes:
        work_orders: Work orders: list, release, hold, resume, complete.
        alarms: Station alarms: list, read, acknowledge.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 10.0, retries: int = 3):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.work_orders = WorkOrders(self)
        self.alarms = Alarms(self)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
        """Send one request and return the decoded JSON answer.

        Args:
            method: ``GET``, ``POST``, ``PATCH`` or ``DELETE``.
            path: The path under the base URL, e.g. ``/work-orders/WO-2026-0412/release``.
            body: A JSON body for ``POST`` and ``PATCH``.
            **query: Query parameters; ``None`` values are left out.

        Raises:
            ApiError: Or one of its subclasses, for an answer of 400 or more.
        """
        url = self.base_url + path + _query(query)
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self._headers, **({"Content-Type": "application/json"} if data else {})}
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method), timeout=self.timeout) as answer:
                    payload = answer.read()
                    return json.loads(payload) if payload else None
            except urllib.error.HTTPError as error:
                failure = _error(error)
                if not isinstance(failure, RateLimited) or attempt == self.retries:
                    raise failure from None
                time.sleep(failure.retry_after)
        raise AssertionError("unreachable")

    def pages(self, path: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, following the ``next_cursor`` of each page."""
        cursor = None
        while True:
            page = self.request("GET", path, cursor=cursor, **query)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return


def _query(params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v is not None}
    return "?" + urllib.parse.urlencode(kept) if kept else ""


def _error(error: urllib.error.HTTPError) -> ApiError:
    """The API's error answer as an exception of the matching class."""
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    code, message = body.get("code", f"HTTP-{error.code}"), body.get("message", error.reason)
    if error.code == 429:
        return RateLimited(error.code, code, message, float(error.headers.get("Retry-After", "1")))
    return BY_STATUS.get(error.code, ApiError)(error.code, code, message)

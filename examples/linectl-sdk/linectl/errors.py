"""Errors the client raises for answers of the LineCtl API that are not a success."""

from __future__ import annotations


class ApiError(Exception):
    """An answer of 400 or more from the API.

    Attributes:
        status: The HTTP status code.
        code: LineCtl's error code from the body, such as ``E-WO-409``.
        message: The API's explanation.
    """

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class Unauthorized(ApiError):
    """401: the token is missing, expired or revoked; get a new one."""


class NotFound(ApiError):
    """404: no line, station, work order or alarm with that id."""


class Conflict(ApiError):
    """409: the object's state does not allow the change (e.g. ``E-WO-409``: the line already runs an order)."""


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` says how many seconds to wait.

    Attributes:
        retry_after: Seconds to wait before the next request, from the ``Retry-After`` header.
    """

    def __init__(self, status: int, code: str, message: str, retry_after: float):
        super().__init__(status, code, message)
        self.retry_after = retry_after


BY_STATUS: dict[int, type[ApiError]] = {401: Unauthorized, 404: NotFound, 409: Conflict}

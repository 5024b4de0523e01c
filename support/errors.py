"""Domain errors, raised where a problem is found and translated once in ``app.py``."""

from __future__ import annotations


class SupportError(Exception):
    """Base of the errors a request can end in; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(SupportError):
    """Something the request names does not exist (or is not visible to the caller)."""

    status = 404


class Unauthorized(SupportError):
    """The request needs a signed-in user."""

    status = 401


class Forbidden(SupportError):
    """The signed-in user may not do this, or the CSRF check failed."""

    status = 403


class Conflict(SupportError):
    """The request is valid but clashes with the current state (e.g. a closed ticket)."""

    status = 409


class SettingsError(Exception):
    """Settings are invalid; the message names every bad setting, one per line."""


class TooMany(SupportError):
    """The client sent too many of these for now (429)."""

    status = 429


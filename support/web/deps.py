"""Annotated dependencies shared by every router: the context, the signed-in user, roles and CSRF.

They are ``async def`` on purpose: FastAPI runs a sync dependency in its thread pool, and a hop
there and back for each of them cost more than the work they do (one primary-key lookup at most).

Routers of other features (assessments, certificates) use the same ones:
``Ctx``, ``CurrentUser`` (None when anonymous), ``SignedIn``, ``RequireAgent``, ``RequireAdmin``, ``RequireTrainer``
(trainer or admin), ``RequireTracker`` (who may see certification tracking: agent, trainer or admin),
``Csrf`` (add to every state-changing endpoint; it reads the form field ``csrf_token`` or, for
JSON, the ``X-CSRF-Token`` header) and ``FormDep`` (the posted form).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import FormData

from support.accounts import service as accounts
from support.context import Context
from support.errors import Forbidden, Unauthorized
from support.settings import Settings

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNKNOWN = object()


async def get_context(request: Request) -> Context:
    """The app's context (built once by ``create_app``)."""
    return request.app.state.context


Ctx = Annotated[Context, Depends(get_context)]

# The user and CSRF dependencies below read the app's state themselves: a chain of dependencies costs ~10 us a link.


def _user(request: Request) -> dict[str, Any] | None:
    """The account of the request's live server session (looked up once per request), or None.

    A cookie whose session was ended on the server (signed out, password changed, account disabled) is cleared.
    """
    known = getattr(request.state, "user", _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    session_id = request.session.get("sid") if "session" in request.scope else None
    user = accounts.session_user(request.app.state.store, session_id, request.app.state.clock()) if session_id else None
    if session_id and (user is None or user["disabled"]):  # ended on the server, expired, or the account disabled
        request.session.clear()
        user = None
    request.state.user = user
    return user


def session_user(request: Request) -> dict[str, Any] | None:
    """The signed-in, enabled account or None, for code outside the dependencies (the page header)."""
    return _user(request)


def _signed_in(request: Request) -> dict[str, Any]:
    user = _user(request)
    if user is None:
        raise Unauthorized("Sign in to see this page")
    return user


async def current_user(request: Request) -> dict[str, Any] | None:
    """The signed-in, enabled account or None; a disabled account's session is ended."""
    return _user(request)


CurrentUser = Annotated[dict[str, Any] | None, Depends(current_user)]


async def signed_in(request: Request) -> dict[str, Any]:
    """Any signed-in account, else ``Unauthorized`` (a browser is sent to the login page)."""
    return _signed_in(request)


async def agent(request: Request) -> dict[str, Any]:
    """A signed-in agent or admin, else ``Forbidden``."""
    user = _signed_in(request)
    if not accounts.has_role(user, "agent"):
        raise Forbidden("Only support agents can do this")
    return user


async def admin(request: Request) -> dict[str, Any]:
    """A signed-in admin, else ``Forbidden``."""
    user = _signed_in(request)
    if not accounts.has_role(user, "admin"):
        raise Forbidden("Only administrators can do this")
    return user


async def trainer(request: Request) -> dict[str, Any]:
    """A signed-in trainer or admin, else ``Forbidden``."""
    user = _signed_in(request)
    if not accounts.has_role(user, "trainer"):
        raise Forbidden("Only trainers can do this")
    return user


async def tracker(request: Request) -> dict[str, Any]:
    """A signed-in agent, trainer or admin (certification tracking), else ``Forbidden``."""
    user = _signed_in(request)
    if not (accounts.has_role(user, "agent") or accounts.has_role(user, "trainer")):
        raise Forbidden("Only trainers and support agents can see certification tracking")
    return user


SignedIn = Annotated[dict[str, Any], Depends(signed_in)]
RequireAgent = Annotated[dict[str, Any], Depends(agent)]
RequireAdmin = Annotated[dict[str, Any], Depends(admin)]
RequireTrainer = Annotated[dict[str, Any], Depends(trainer)]
RequireTracker = Annotated[dict[str, Any], Depends(tracker)]


def client_address(request: Request) -> str:
    """The address the request came from (the throttles' and rate limits' key): the peer's, or behind a proxy in
    ``PORTAL_TRUSTED_PROXIES`` the client its ``X-Forwarded-For`` names (set by uvicorn's ``ProxyHeadersMiddleware`` in the app)."""
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (put it in every form as ``csrf_token``)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# The CSRF check counts any multipart body as a form (a token is then required), not only the form types parsed.
CSRF_FORM_TYPES = ("multipart/", "application/x-www-form-urlencoded")


def _is_form(request: Request, types: tuple[str, ...] = FORM_TYPES) -> bool:
    return request.headers.get("content-type", "").startswith(types)


async def read_form(request: Request) -> FormData:
    """The posted form (parsed once and cached by Starlette); empty for a JSON request."""
    return await request.form() if _is_form(request) else FormData()


FormDep = Annotated[FormData, Depends(read_form)]


def check_origin(request: Request, settings: Settings) -> None:
    """Refuse a state change whose ``Origin`` is neither this server nor an allowed origin."""
    origin = request.headers.get("origin")
    if not origin:
        return
    own = f"{request.url.scheme}://{request.url.netloc}"
    allowed = {own, *settings.allowed_origins}
    if settings.base_url:
        parts = urlsplit(settings.base_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    if origin not in allowed:
        raise Forbidden(f"Cross-site request refused (origin {origin} is not allowed)")


async def verify_csrf(request: Request) -> None:
    """Synchronizer-token check for state-changing requests.

    Forms must carry the session's token in ``csrf_token``. JSON requests must send it in
    ``X-CSRF-Token`` when a user is signed in (anonymous JSON calls carry no ambient authority);
    a cross-site ``Origin`` is refused either way.
    """
    check_origin(request, request.app.state.settings)
    expected = request.session.get("csrf")
    is_form = _is_form(request, CSRF_FORM_TYPES)
    if not is_form and request.session.get("sid") is None:
        return
    sent = (await request.form()).get(CSRF_FIELD) if is_form else request.headers.get(CSRF_HEADER)
    # compared as bytes: compare_digest refuses str beyond ASCII, and a client may send any text
    if not isinstance(expected, str) or not expected or not isinstance(sent, str) or \
            not secrets.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")):
        raise Forbidden("The form has expired or did not come from this site (CSRF check failed); reload the page and try again")


Csrf = Depends(verify_csrf)

"""``/healthz`` (the process answers), ``/readyz`` (it can serve: each check in ``app.state.ready_checks``) and
``/metrics`` (Prometheus' text format, for a bearer token or an allowed address).

Neither health answer needs a sign-in or says anything secret: a check reports ``ok`` or what is wrong, never
a path, a setting or an error's text. A domain that needs a check of its own (the outbox) adds a function to
``app.state.ready_checks`` in the app factory.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Callable
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import State

from support.metrics import CONTENT_TYPE
from support.settings import Settings

log = logging.getLogger("support")
router = APIRouter(include_in_schema=False)
NO_STORE = {"cache-control": "no-store"}

Check = Callable[[State], str | None]  # None when fine, else what is wrong (shown to anyone: no secrets)


def database_check(state: State) -> str | None:
    """The database answers a query."""
    state.store.one("SELECT 1 AS ok")
    return None


def migrations_check(state: State) -> str | None:
    """Every migration this version knows is applied (a newer version's extra ones are allowed: rolling upgrades)."""
    applied = {row["version"] for row in state.store.all("SELECT version FROM schema_migrations")}
    missing = sorted(state.migration_versions - applied)
    return f"{len(missing)} migration(s) not applied" if missing else None


def kb_check(state: State) -> str | None:
    """The KB export is loaded and searchable, when the backend has one to read."""
    return "the KB export is not loaded" if not state.kb.loaded() else None


DEFAULT_CHECKS: dict[str, Check] = {"database": database_check, "migrations": migrations_check, "kb": kb_check}


@router.get("/healthz")
async def healthz() -> Response:
    """The process is up and its event loop answers."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """200 when every check passes, else 503; each check's result by name."""
    state = request.app.state
    results = {name: _run(name, check, state) for name, check in state.ready_checks.items()}
    ready = all(result == "ok" for result in results.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": results}, status_code=200 if ready else 503,
                        headers=NO_STORE)


def _run(name: str, check: Check, state: State) -> str:
    try:
        return check(state) or "ok"
    except Exception:  # a failing check is the answer; the error goes to the log, not to the client
        log.exception("readiness check %s failed", name)
        return "failed (see the server log)"


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Every metric, for a request with the bearer token ``PORTAL_METRICS_TOKEN`` or from ``PORTAL_METRICS_ALLOW``."""
    settings = request.app.state.settings
    if not (_has_token(request, settings) or _allowed(request, settings.metrics_allow)):
        if settings.metrics_token is not None:
            return JSONResponse({"detail": "A valid bearer token is needed for the metrics"}, status_code=401,
                                headers={"www-authenticate": "Bearer", **NO_STORE})
        return JSONResponse({"detail": "The metrics are not open to this address"}, status_code=403, headers=NO_STORE)
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE, headers=NO_STORE)


def _has_token(request: Request, settings: Settings) -> bool:
    if settings.metrics_token is None:
        return False
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    return scheme.lower() == "bearer" and secrets.compare_digest(sent.strip().encode(), expected.encode())


def _allowed(request: Request, networks: list[str]) -> bool:
    if not networks or request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in networks)

"""The app factory: settings, database, KB index, middleware, routers, error handling, the static site."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from pathlib import Path
from urllib.parse import quote, urlsplit

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from support.assessments import service as assessments
from support.assessments.catalog import Catalog
from support.clock import Clock, system_clock
from support.metrics import Metrics
from support.migrations import MIGRATIONS, open_portal_store
from support.context import Context
from support.web import health
from support.web.security import SecurityHeaders
from support.web.telemetry import RequestTelemetry
from support.errors import NotFound, SupportError, Unauthorized
from support.web.pages import make_environment, redirect, render
from support.assessments.forms import inline_markdown, plain_markdown, plain_number, sentence
from support.accounts.routes import admin, auth
from support.assessments.routes import api as assessments_api
from support.assessments.routes import certificates, pages as assessment_pages, progress
from support.assessments.routes import learning, training  # issue 18: trainers' pages, reads from the site, retention checks
from support.assessments.routes import accommodations, credentials as badges, hr as hr_api
from support.kb import routes as articles
from support.kb import service as kb
from support.tickets import service as tickets
from support.tickets.routes import alerts, api, replies, reports, requester, workspace
from support.tickets.routes import attachments  # issue 17: files on tickets
from support.tickets.routes import satisfaction as satisfaction_report
from support.kb.service import KnowledgeBase
from support.db.store import Store
from support.notifications.routes import outbox, preferences as mail_choices
from support.notifications import service as notifications
from support.settings import Settings

log = logging.getLogger("support")
STATIC = Path(__file__).parent / "static"
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"  # Swagger UI's own files, so /api/docs needs no CDN
# The JSON API first: a request is matched against the routers in this order, and the API is the busiest.
ROUTERS = [api, health, alerts, attachments, assessments_api, auth, requester, workspace, replies, articles, reports, admin, outbox, mail_choices,
           assessment_pages, certificates, progress, satisfaction_report, learning, training]
ROUTERS += [badges, hr_api, accommodations]  # issue 18, items 6-7: credentials that travel, the HR API, extra time
CHECKPOINT_SECONDS = 1.0
INDEX_SECONDS = 1.0  # how often newly filed tickets move into the queue's search index (see ``support.tickets.queue``)
# Fewer, shorter collector pauses under load (request objects are freed by reference counting); see docs/performance.md.
GC_THRESHOLDS = (50_000, 20, 100)



def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    """Build the backend: pages under ``/support``, JSON under ``/api``, the built site (if any) at ``/``.

    ``clock`` (default: the system clock) is what every handler asks for the time; tests pass a
    ``support.clock.FrozenClock`` and move it.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="Portal support API", version="1", openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  lifespan=_lifespan)
    app.state.settings, app.state.clock, app.state.env = settings, clock or system_clock, make_environment()
    app.state.env.filters.update(inline_md=inline_markdown, plain_md=plain_markdown, duration=tickets.describe, number=plain_number, sentence=sentence)  # quiz prompts and options; SLA times
    app.state.env.globals.update(sla_names=tickets.LEVEL_NAMES)
    app.state.store = open_portal_store(settings.database, background_checkpoint=True)
    app.state.business_hours = tickets.install_business_hours(settings)  # issue 17 item 5: SLA clocks count working time
    tickets.prepare(app.state.store)
    app.state.kb = KnowledgeBase(settings.kb_file, settings.data_dir / "kb-index", settings.source_check_seconds)
    app.state.kb.refresh()
    app.state.catalog = Catalog.from_settings(settings)  # quizzes (with their answer keys) and roles
    app.state.context = Context(settings, app.state.store, app.state.kb, app.state.clock, tickets.routing_source(settings))
    app.state.migration_versions = {m.version for m in MIGRATIONS}
    app.state.ready_checks = dict(health.DEFAULT_CHECKS)
    app.state.metrics = _metrics(app.state.store, app.state.kb)
    _add_middleware(app, settings)
    for module in ROUTERS:
        app.include_router(module.router)
    _add_error_handlers(app)
    app.mount("/support/static", StaticFiles(directory=STATIC), name="support-static")
    app.mount("/api/docs/static", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.add_api_route("/api/docs", lambda: FileResponse(STATIC / "api-docs.html"), include_in_schema=False)
    app.add_api_route("/api/{path:path}", _not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    app.add_api_route("/support/{path:path}", _not_found, methods=["GET", "POST"], include_in_schema=False)
    if settings.site_dir and settings.site_dir.is_dir():
        app.mount("/", StaticFiles(directory=settings.site_dir, html=True), name="site")
    else:
        app.add_api_route("/", lambda: redirect("/support/"), include_in_schema=False)
    return app


def _not_found(path: str) -> None:
    raise NotFound(f"Nothing at this address ({path})")


def _metrics(store: Store, knowledge: KnowledgeBase) -> Metrics:
    """The registry: the request instruments, and the tickets' and the KB's figures read at each scrape."""
    metrics = Metrics()
    metrics.add(lambda: tickets.metric_families(store))
    metrics.add(lambda: kb.metric_families(knowledge))
    return metrics


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """The last added runs first: forwarded headers, then the request id and metrics, CORS, the session, the headers."""
    app.add_middleware(SecurityHeaders)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key.get_secret_value(), session_cookie="portal_session",
                       max_age=settings.session_max_age, same_site="lax", https_only=settings.base_url.startswith("https://"))
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_credentials=True,
                           allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["content-type", "x-csrf-token"])
    app.add_middleware(RequestTelemetry, metrics=app.state.metrics)
    if settings.trusted_proxies:  # X-Forwarded-For/-Proto from these only: the client address of throttles, logs, /metrics
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _login_url(request: Request) -> str:
    """The login page, returning afterwards to the page asked for (for a form post: the page it was on)."""
    target = request.url.path if request.method == "GET" else urlsplit(request.headers.get("referer", "")).path
    return f"/support/login?next={quote(target)}"


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SupportError)
    async def domain_error(request: Request, exc: SupportError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)
        if isinstance(exc, Unauthorized):
            return redirect(_login_url(request))
        return render(request, "error.html", {"status": exc.status, "detail": exc.detail}, status=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(request, "error.html", {"status": exc.status_code, "detail": exc.detail}, status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in exc.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors)
        return render(request, "error.html", {"status": 422, "detail": f"Invalid request: {detail}"}, status=422)

    @app.exception_handler(ValidationError)
    async def invalid_model(request: Request, exc: ValidationError) -> Response:
        body = RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
        return await invalid(request, body)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        request_id = getattr(request.state, "request_id", None)
        log.exception("unhandled error on %s", request.url.path, extra={"request_id": request_id})
        if _wants_json(request):
            response = JSONResponse({"detail": "Internal error; it has been logged"}, status_code=500)
        else:
            response = render(request, "error.html", {"status": 500, "detail": "Something went wrong on our side; it has been logged."},
                              status=500)
        if request_id:  # this answer is sent outside RequestTelemetry, which adds the header to the others
            response.headers["x-request-id"] = request_id
        return response


def tune_collector() -> tuple[int, ...]:
    """Set the collector up for serving; returns the thresholds it had (to restore at shutdown).

    What start-up loaded (KB pages, quizzes, templates) lives on, so it is frozen out of full
    collections (70-110 -> 7-12 ms pauses), and the thresholds become ``GC_THRESHOLDS``.
    """
    gc.collect()
    gc.freeze()
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    return previous


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    previous = tune_collector()
    state = app.state
    state.store.serve_from_this_thread()
    settings, store = state.settings, state.store
    sender = notifications.Sender(settings)
    # Each background job: (what, seconds between runs, the job; a job returning its batch size runs again at once).
    jobs: list[tuple[str, float, Callable[[], Awaitable[Any]], int | None]] = [
        # the WAL copied into the database file in the thread pool (see ``Store.checkpoint``)
        ("WAL checkpoint", CHECKPOINT_SECONDS, lambda: run_in_threadpool(store.checkpoint), None),
        # newly filed tickets into the queue's search index, a few-millisecond batch at a time through the writer
        ("ticket search indexing", INDEX_SECONDS, lambda: store.write(tickets.index_pending, store), tickets.INDEX_BATCH),
        # the outbox: built and sent in the sender's process, results through the writer
        ("mail delivery", settings.mail_poll_seconds, lambda: notifications.deliver_due(store, sender, state.clock),
         notifications.BATCH),
    ]
    if settings.sla_sweep_seconds:  # queue loads also sweep
        jobs.append(("SLA sweep", settings.sla_sweep_seconds,
                     lambda: run_in_threadpool(tickets.sweep, store, settings, state.clock()), None))
    if settings.reminder_seconds:
        jobs.append(("certificate reminders", settings.reminder_seconds,
                     lambda: run_in_threadpool(assessments.remind, store, settings, state.clock(), state.catalog), None))
    if settings.digest_seconds:  # daily digests (issue 15), and the owners' weekly review digest
        jobs.append(("digests", settings.digest_seconds,
                     lambda: run_in_threadpool(notifications.send_digests, store, settings, state.clock()), notifications.DIGEST_BATCH))
        jobs.append(("owners' weekly digest", settings.digest_seconds, lambda: asyncio.to_thread(tickets.send_owner_digests, state.context),
                     None))
    if settings.mail_in_seconds:
        jobs.append(("reading mail", settings.mail_in_seconds, lambda: asyncio.to_thread(tickets.read_mail, state.context),
                     tickets.MAIL_BATCH))
    tasks = [asyncio.create_task(_every(what, seconds, _alone(store, what, job), batch)) for what, seconds, job, batch in jobs]
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await run_in_threadpool(sender.close)
    gc.set_threshold(*previous)
    await run_in_threadpool(app.state.store.checkpoint)
    app.state.kb.close()
    app.state.store.close()


def _alone(store: Store, what: str, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """``job``, run only while no other instance on the same database runs it (else this round is skipped: None).

    On SQLite one process serves the file, so the job is returned as it is (no lock, no thread hop per round).
    """
    if store.dialect == "sqlite":
        return job

    async def once() -> Any:
        if not await run_in_threadpool(store.try_job_lock, what):
            return None
        try:
            return await job()
        finally:
            await run_in_threadpool(store.release_job_lock, what)

    return once


async def _every(what: str, seconds: float, job: Callable[[], Awaitable[Any]], batch: int | None) -> None:
    """Run ``job`` every ``seconds`` (again at once while it reports a full ``batch``); a failure is logged, the loop goes on."""
    while True:
        try:
            while await job() == batch and batch is not None:
                pass
        except Exception:  # keep going; the error is logged
            log.exception("%s failed", what)
        await asyncio.sleep(seconds)

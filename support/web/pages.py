"""Rendering server pages: the Jinja2 environment (autoescaping on) and the page/redirect helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from support.accounts import service as accounts
from support.web.charts import bar_chart
from support.timezones import local
from support.web.deps import csrf_token, session_user

TEMPLATES = Path(__file__).parents[1] / "templates"


def make_environment() -> Environment:
    """The template environment: HTML autoescaped, the generic helpers as globals and filters (domains add theirs in ``app``)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(bar_chart=bar_chart, has_role=accounts.has_role)
    env.filters.update(when=_when, urlquote=lambda s: quote(str(s or ""), safe=""),
                       chart_label=lambda row, i: str(row[i] or row[0]))
    return env


@pass_context
def _when(context: Any, stamp: str | None) -> str:
    """A stored time in the viewer's time zone (``time_zone`` of the page, set by ``render``)."""
    return local(stamp, context.get("time_zone") or "UTC")


def page_user(request: Request) -> dict[str, Any] | None:
    """The signed-in user for the page header (from the dependency if it ran, else looked up)."""
    return session_user(request)


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    """Render a page with the user, CSRF token, settings and site URL available to the template."""
    state = request.app.state
    user = page_user(request)
    values = {
        "request": request, "user": user, "settings": state.settings,
        "time_zone": accounts.time_zone(state.store, user, state.settings.time_zone),
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "site_url": state.settings.site_url or "", "site_name": state.kb.site_name or "Portal",
        **(context or {}),
    }
    html = state.env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """A 303 See Other (the browser follows with GET after a form post)."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """A local path to continue to after login (never another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default

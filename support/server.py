"""Run the backend (and the built site) with uvicorn; ``portal serve`` calls it after the build (the ``portal.backend`` entry point)."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Callable

import click
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from support.web.accesslog import AccessLog
from support.app import create_app
from support.errors import SettingsError
from support.settings import Settings, load_settings

# uvicorn's options for every server we start (the bench's bare peer too): asyncio, which answers queued requests
# in arrival order where uvloop let some wait a round (docs/performance.md); uvicorn's access log off, ours is batched.
UVICORN_OPTIONS: dict[str, object] = {"loop": "asyncio", "log_level": "info", "proxy_headers": False, "access_log": False}


def resolve_data_dir(data_dir: Path | None, portal_dir: Path) -> Path:
    """The data directory: the argument, else ``PORTAL_DATA_DIR``, else ``<portal_dir>/.portal-data``."""
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get("PORTAL_DATA_DIR"):
        return Path(os.environ["PORTAL_DATA_DIR"])
    return Path(portal_dir) / ".portal-data"


def serve(*, portal_dir: Path, site_dir: Path, host: str, port: int, data_dir: Path | None,
          quizzes_dir: Path | None = None, roles_dir: Path | None = None, wrap: Callable[[Any], Any] | None = None) -> None:
    """Serve the site at ``/``, backend pages at ``/support`` and the API at ``/api`` until interrupted.

    Settings come from ``PORTAL_*`` environment variables; bad ones stop the start with a
    ``click.ClickException`` naming each of them. ``wrap`` (``portal serve``'s live reload) wraps the app.
    """
    try:
        folders = {k: Path(v) for k, v in (("quizzes_dir", quizzes_dir), ("roles_dir", roles_dir)) if v is not None}
        settings = load_settings(data_dir=resolve_data_dir(data_dir, portal_dir), site_dir=Path(site_dir),
                                 portal_dir=Path(portal_dir), **folders)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    app = AccessLog((wrap or (lambda inner: inner))(create_app(settings)), json_lines=settings.log_format == "json")
    click.echo(f"Serving the portal on http://{host}:{port}/ (support at /support, API at /api, data in {settings.data_dir})")
    try:
        uvicorn.run(app, host=host, port=port, **uvicorn_options(settings))
    finally:
        app.flush()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """``UVICORN_OPTIONS``, with every log record as a JSON line when ``PORTAL_LOG_FORMAT=json``.

    Forwarded headers stay off in uvicorn: the app reads them itself, from ``PORTAL_TRUSTED_PROXIES`` only.
    """
    if settings.log_format != "json":
        return dict(UVICORN_OPTIONS)
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"] = {name: {"()": "support.web.accesslog.JsonFormatter"} for name in config["formatters"]}
    config["loggers"]["support"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return {**UVICORN_OPTIONS, "log_config": config}

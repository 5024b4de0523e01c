"""``portal serve``: build, watch the sources, and serve the site with the support backend."""

from __future__ import annotations

from importlib.metadata import entry_points

import socket
import threading
import time
from pathlib import Path
from typing import Callable

import click

from . import partial_rebuild
from .build import PortalError, build, load_mkdocs_config

POLL_SECONDS = 0.4


def snapshot(folders: list[Path], files: list[Path]) -> dict[str, float]:
    """Modification times of every file under the watched folders, to notice changes."""
    seen: dict[str, float] = {}
    for folder in folders:
        if folder.is_dir():
            for file in folder.rglob("*"):
                if file.is_file() and not file.name.startswith((".", "#")) and not file.name.endswith("~"):
                    seen[str(file)] = file.stat().st_mtime_ns
    for file in files:
        if file.is_file():
            seen[str(file)] = file.stat().st_mtime_ns
    return seen


def rebuild(root: Path) -> bool:
    """Build once, printing problems and any failure instead of raising; True when the site was replaced."""
    started = time.perf_counter()
    try:
        build(root)
    except PortalError as exc:
        click.echo(f"portal serve: {exc.format_message()}", err=True)
        return False
    except Exception as exc:  # noqa: BLE001 - whatever goes wrong, the watcher must outlive it
        click.echo(f"portal serve: the rebuild failed ({_described(exc)}); the previous site stays up", err=True)
        return False
    click.echo(f"portal serve: site rebuilt in {time.perf_counter() - started:.2f} s", err=True)
    return True


def watch(root: Path, stop: threading.Event) -> None:
    """Rebuild the site whenever a source under content/ or quizzes/, or mkdocs.yml, changes.

    A source change first updates the pages it changed (see :mod:`generator.partial_rebuild`), so an
    edit shows within seconds, then rebuilds the whole site. A failure of one look or rebuild
    is printed and the watching goes on.
    """
    config = load_mkdocs_config(root)
    settings = config.plugins["portal"].settings  # type: ignore[attr-defined]
    folders = [root / settings.content_dir, root / settings.quizzes_dir]
    files = [root / "mkdocs.yml"]
    site = Path(config.site_dir)
    before = snapshot(folders, files)
    click.echo(f"portal serve: watching {', '.join(f.name + '/' for f in folders)} and mkdocs.yml for changes", err=True)
    shown, _ = partial_rebuild.update(root, None, site)
    while not stop.wait(POLL_SECONDS):
        try:
            now = snapshot(folders, files)
            if now != before:
                sources_only = all(now.get(str(f)) == before.get(str(f)) for f in files)
                before = now
                result, published = partial_rebuild.update(root, shown, site) if sources_only else (None, False)
                if rebuild(root) or published:
                    shown = result
        except Exception as exc:  # noqa: BLE001 - e.g. a file removed while it was looked at
            click.echo(f"portal serve: watching the sources failed once ({_described(exc)}); still watching", err=True)


def _described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _backend() -> Callable[..., None] | None:
    """The support backend's ``serve``, found through the ``portal.backend`` entry point (None: serve the site alone)."""
    for entry in entry_points(group="portal.backend"):
        try:
            return entry.load()
        except ImportError:
            return None
    return None


def serve(root: Path, host: str, port: int, data_dir: Path | None, watch_sources: bool = True) -> None:
    """Build the site, then run the backend (which serves the site at /) until interrupted."""
    _check_port(host, port)
    build(root)
    config = load_mkdocs_config(root)
    stop = threading.Event()
    if watch_sources:
        threading.Thread(target=watch, args=(root, stop), daemon=True, name="portal-watch").start()
    serve_backend = _backend()
    click.echo(f"portal serve: http://{host}:{port}/", err=True)
    try:
        if serve_backend is None:
            _serve_static(Path(config.site_dir), host, port)
        else:
            plugin = config.plugins["portal"].settings  # type: ignore[attr-defined]
            serve_backend(portal_dir=root, site_dir=Path(config.site_dir), host=host, port=port, data_dir=data_dir,
                          quizzes_dir=root / plugin.quizzes_dir, roles_dir=root / plugin.content_dir / "roles")
    finally:
        stop.set()


def _check_port(host: str, port: int) -> None:
    """Fail early, before a build, when the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortalError(f"cannot listen on {host}:{port} ({exc.strerror}): stop what uses it or pass --port N") from None


def _serve_static(site: Path, host: str, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        server.serve_forever()

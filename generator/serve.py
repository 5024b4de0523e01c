"""``portal serve``: build, watch the sources, and serve the site with the support backend."""

from __future__ import annotations

from importlib.metadata import entry_points

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import click

from . import live_reload, partial_rebuild
from .build import PortalError, build, load_mkdocs_config, swap
from .live_reload import BuildId
from .pipeline import Result

POLL_SECONDS = 0.2
QUIET_SECONDS = 5.0


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


def rebuild(root: Path, site_dir: Path | None = None) -> bool:
    """Build once, printing problems and any failure instead of raising; True when the site was replaced."""
    started = time.perf_counter()
    try:
        build(root, keep_parsed=True, site_dir=site_dir)
    except PortalError as exc:
        click.echo(f"portal serve: {exc.format_message()}", err=True)
        return False
    except Exception as exc:  # noqa: BLE001 - whatever goes wrong, the watcher must outlive it
        click.echo(f"portal serve: the rebuild failed ({_described(exc)}); the previous site stays up", err=True)
        return False
    if site_dir is None:
        click.echo(f"portal serve: site rebuilt in {time.perf_counter() - started:.2f} s", err=True)
    return True


def watch(root: Path, stop: threading.Event, live: BuildId | None = None) -> None:
    """Rebuild the site whenever a source under content/ or quizzes/, or mkdocs.yml, changes.

    A source change first updates the pages it changed (see :mod:`generator.partial_rebuild`), so an
    edit shows within a second; the whole site (search index, KB export) is rebuilt once the sources
    have been left alone for ``QUIET_SECONDS``, not after every save. A change the quick update
    cannot take (the nav, mkdocs.yml) starts a whole-site build at once. Whole-site builds run in a
    child process, so a save during one is still updated at once; a build whose sources changed
    meanwhile is dropped, not swapped in. Each publish moves ``live`` on, which reloads the open
    pages. A failure of one look or rebuild is printed and the watching goes on.
    """
    config = load_mkdocs_config(root)
    settings = config.plugins["portal"].settings  # type: ignore[attr-defined]
    watcher = _Watcher(root, [root / settings.content_dir, root / settings.quizzes_dir], [root / "mkdocs.yml"],
                       Path(config.site_dir), live or BuildId())
    click.echo(f"portal serve: watching {', '.join(f.name + '/' for f in watcher.folders)} and mkdocs.yml for changes", err=True)
    try:
        while not stop.wait(POLL_SECONDS):
            try:
                watcher.step()
            except Exception as exc:  # noqa: BLE001 - e.g. a file removed while it was looked at
                click.echo(f"portal serve: watching the sources failed once ({_described(exc)}); still watching", err=True)
    finally:
        watcher.cancel()


class _Build:
    """A whole-site build in a child process, into a folder beside the site, of the sources as ``seen``."""

    def __init__(self, root: Path, site: Path, seen: dict[str, float], result: Result | None) -> None:
        self.seen, self.result, self.started = seen, result, time.perf_counter()
        self.folder = site.with_name(f"{site.name}.serve-{os.getpid()}")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(root), str(self.folder)])

    def cancel(self) -> None:
        """Stop the build and remove what it wrote."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class _Watcher:
    """What the watch loop remembers between looks: the sources seen, the site shown, a whole-site build owed or running."""

    def __init__(self, root: Path, folders: list[Path], files: list[Path], site: Path, live: BuildId) -> None:
        self.root, self.folders, self.files, self.site, self.live = root, folders, files, site, live
        self.before = snapshot(folders, files)
        self.shown, _ = partial_rebuild.update(root, None, site)
        if self.shown is not None:
            partial_rebuild.warm(root, self.shown)
        self.owed_since: float | None = None  # when the last quick update left a whole-site build owed
        self.job: _Build | None = None

    def step(self) -> None:
        """One look: a quick update or a rebuild for a change, else the owed rebuild once things are quiet."""
        now = snapshot(self.folders, self.files)
        if self.job is not None and self.job.process.poll() is not None:
            self._finish(now)
        if now != self.before:
            sources_only = all(now.get(str(f)) == self.before.get(str(f)) for f in self.files)
            changed = [Path(f) for f in now.keys() | self.before.keys() if now.get(f) != self.before.get(f)]
            self.before = now
            result, published = partial_rebuild.update(self.root, self.shown, self.site, changed) if sources_only else (None, False)
            if published:
                self.cancel()  # it builds what the site no longer shows
                self.shown, self.owed_since = result, time.monotonic()
                self.live.bump()
            elif result is not None and result.problems.errors:
                self.cancel()  # printed by the update; a whole-site build would stop at them too
            else:
                self._rebuild(now, result)
        elif self.owed_since is not None and self.job is None and time.monotonic() - self.owed_since >= QUIET_SECONDS:
            self._rebuild(now, self.shown)

    def _rebuild(self, seen: dict[str, float], result: Result | None) -> None:
        self.cancel()
        self.owed_since = None
        self.job = _Build(self.root, self.site, seen, result)

    def _finish(self, now: dict[str, float]) -> None:
        job, self.job = self.job, None
        assert job is not None
        if job.process.returncode != 0:
            if job.process.returncode < 0:
                click.echo(f"portal serve: the rebuild failed (stopped by signal {-job.process.returncode}); the previous site stays up", err=True)
            shutil.rmtree(job.folder, ignore_errors=True)
        elif job.seen != now:  # an edit since it started: the next look updates or builds again
            shutil.rmtree(job.folder, ignore_errors=True)
            self.owed_since = self.owed_since or time.monotonic()
        else:
            swap(job.folder, self.site)
            self.shown = job.result if job.result is not None else self.shown
            self.live.bump()
            click.echo(f"portal serve: site rebuilt in {time.perf_counter() - job.started:.2f} s", err=True)

    def cancel(self) -> None:
        """Stop a whole-site build that is running (its sources are out of date, or serving ends)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None


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
    stop, live = threading.Event(), BuildId()
    watching = threading.Thread(target=watch, args=(root, stop, live), daemon=True, name="portal-watch")
    if watch_sources:
        watching.start()
    serve_backend = _backend()
    click.echo(f"portal serve: http://{host}:{port}/", err=True)
    try:
        if serve_backend is None:
            _serve_static(Path(config.site_dir), host, port)
        else:
            plugin = config.plugins["portal"].settings  # type: ignore[attr-defined]
            serve_backend(portal_dir=root, site_dir=Path(config.site_dir), host=host, port=port, data_dir=data_dir,
                          quizzes_dir=root / plugin.quizzes_dir, roles_dir=root / plugin.content_dir / "roles",
                          wrap=(lambda app: live_reload.wrap(app, live)) if watch_sources else None)
    finally:
        stop.set()
        if watching.is_alive():
            watching.join(timeout=10)  # it stops a whole-site build still running in its child


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


if __name__ == "__main__":  # the child of a whole-site build: python -m generator.serve ROOT SITE_DIR
    sys.exit(0 if rebuild(Path(sys.argv[1]), Path(sys.argv[2])) else 1)

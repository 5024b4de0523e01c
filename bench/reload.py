"""Edit to reload: ``portal serve`` on a portal, one article changed, its page polled until it shows the change."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import runner
from bench.report import Figure

START_TIMEOUT = 180.0
RELOAD_TIMEOUT = 90.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The body of ``url``, or None while the server is not answering it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(predicate, timeout: float, interval: float = 0.05) -> float | None:
    """Seconds until ``predicate()`` is true, or None after ``timeout``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate():
            return time.perf_counter() - started
        time.sleep(interval)
    return None


def _article(root: Path) -> tuple[Path, str]:
    file = sorted((root / "content/articles").rglob("*.md"))[0]
    rel = file.relative_to(root / "content").as_posix()
    return file, rel[:-3] + "/"


def _idle(log: Path, rebuilds: int) -> bool:
    """True once the watcher has finished ``rebuilds`` whole-site rebuilds (its log says so)."""
    return len(re.findall(r"site rebuilt in", log.read_text(errors="replace"))) >= rebuilds


def measure(root: Path, work: Path, edits: int = 3) -> Figure:
    """Median seconds from saving a changed article to its page showing the change."""
    work.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), work / "serve.log"
    file, url_path = _article(root)
    original = file.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/{url_path}"
    with log.open("w") as out:
        proc = subprocess.Popen([runner.tool("portal"), "serve", str(root), "--port", str(port), "--data-dir", str(work / "data")],
                                env=runner.env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        started = wait_for(lambda: fetch(url) is not None, START_TIMEOUT, 0.25)
        if started is None:
            raise RuntimeError(f"portal serve did not answer {url}:\n{log.read_text()[-2000:]}")
        times = []
        for i in range(edits):
            marker = f"Reload marker {i} {time.time_ns()}"
            file.write_text(original + f"\n{marker}\n", encoding="utf-8")
            saved = time.perf_counter()
            seen = wait_for(lambda: marker in (fetch(url) or ""), RELOAD_TIMEOUT)
            times.append(None if seen is None else time.perf_counter() - saved)
            wait_for(lambda: _idle(log, i + 1), RELOAD_TIMEOUT, 0.2)  # let the whole-site rebuild finish
        measured = [t for t in times if t is not None]
        value = runner.median(measured) if len(measured) == len(times) else None
        return Figure("build", "edit to reload (portal serve, 1,000 pages)", value, "s", "<=", 3.0,
                      detail={"runs": [None if t is None else round(t, 2) for t in times], "startup_s": round(started, 1),
                              "log_tail": log.read_text(errors="replace").splitlines()[-8:]})
    finally:
        file.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

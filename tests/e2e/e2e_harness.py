"""Browser test harness: the example portal served by ``portal serve`` on 127.0.0.1, Chromium pages that
record console errors and requests, the axe-core audit, and failure artifacts."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

REPO = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
AXE_JS = E2E / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = REPO / "tests" / "output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "e2e-password-1234"
PORTAL_SOURCES = ("mkdocs.yml", "content", "quizzes", "examples")  # examples/: the LineCtl SDK its Python reference documents
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
ACCOUNTS = {  # (email, role, name) of the accounts every served portal has
    "agent": ("alex@example.com", "agent", "Alex Agent"),
    "learner": ("olga@example.com", "requester", "Olga Operator"),
}


def portal_cli() -> str:
    """The ``portal`` command of the running interpreter's environment."""
    script = Path(sys.executable).with_name("portal")
    return str(script) if script.exists() else shutil.which("portal") or "portal"


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_example_portal(target: Path) -> Path:
    """The repository's example portal copied to ``target``, so builds never touch the clone."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PORTAL_SOURCES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def server_env() -> dict[str, str]:
    """The environment of the server and CLI subprocesses: quiet MkDocs, a test secret, no inherited PORTAL_* setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PORTAL_SECRET_KEY="e2e-test-secret-key-0123456789",
               PYTHONUNBUFFERED="1")
    return env


def build_portal(portal_dir: Path) -> None:
    """``portal build`` the folder; raise with the command's output when it fails."""
    done = subprocess.run([portal_cli(), "build", str(portal_dir)], capture_output=True, text=True, env=server_env(), timeout=300)
    if done.returncode:
        raise RuntimeError(f"portal build failed:\n{done.stdout}\n{done.stderr}")


@dataclass
class Portal:
    """A running ``portal serve``: site at ``/``, backend at ``/support``, API at ``/api``."""

    url: str
    portal_dir: Path
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def add_users(self, *accounts: tuple[str, str, str]) -> None:
        """Create accounts (email, role, name) with ``portal user add --password-stdin``, the commands run side by side."""
        runs = [subprocess.Popen([portal_cli(), "user", "add", email, "--role", role, "--name", name, "--password-stdin",
                                  "--data-dir", str(self.data_dir)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
                for email, role, name in accounts]
        for run in runs:
            output, _ = run.communicate(PASSWORD + "\n", timeout=60)
            assert run.returncode == 0, f"portal user add failed: {output}"

    def client(self) -> httpx.Client:
        """A plain HTTP client on the server, for checks and for seeding data through the API."""
        return httpx.Client(base_url=self.url, timeout=15, follow_redirects=False)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def logged(self, text: str, seconds: float = 5.0) -> bool:
        """Whether ``text`` shows up in the server's output within ``seconds`` (access lines come in batches)."""
        deadline = time.monotonic() + seconds
        while text not in self.log.read_text(errors="replace"):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_portal(portal_dir: Path, data_dir: Path, clock_file: Path | None = None, settings: dict[str, str] | None = None) -> Portal:
    """Run ``portal serve`` on a free port with its own data folder and wait until it answers.

    With ``clock_file`` the server's time is the system time plus the seconds written in that file
    (see ``serve_with_clock.py``); ``settings`` are extra ``PORTAL_*`` variables.
    """
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"{data_dir.name}-server.log"
    env = server_env() | (settings or {})
    launcher = [sys.executable, str(E2E / "serve_with_clock.py"), str(clock_file)] if clock_file else [portal_cli()]
    command = [*launcher, "serve", str(portal_dir), "--host", "127.0.0.1", "--port", str(port),
               "--data-dir", str(data_dir), "--no-watch"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    portal = Portal(f"http://127.0.0.1:{port}", portal_dir, data_dir, log, process, env)
    _wait_until_up(portal, timeout=180)
    return portal


@contextlib.contextmanager
def serve_portal(portal_dir: Path, folder: Path, clock_file: Path | None = None,
                 extra_accounts: tuple[tuple[str, str, str], ...] = (), settings: dict[str, str] | None = None) -> Iterator[Portal]:
    """``portal serve`` over a fresh data folder under ``folder`` with the ``ACCOUNTS`` (and any extra), stopped afterwards."""
    server = start_portal(portal_dir, folder / "data", clock_file, settings)
    try:
        server.add_users(*ACCOUNTS.values(), *extra_accounts)
        yield server
    finally:
        server.stop()


def _wait_until_up(portal: Portal, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if portal.process.poll() is not None:
            raise RuntimeError(f"portal serve exited with {portal.process.returncode}:\n{portal.log_tail()}")
        try:
            if httpx.get(f"{portal.url}/api/session", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    portal.stop()
    raise RuntimeError(f"portal serve did not answer within {timeout:.0f} s:\n{portal.log_tail()}")


def is_local(url: str) -> bool:
    """True for requests that stay on this machine (127.0.0.1) or never reach the network (data:, blob:)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


class Browsing:
    """The pages a test opens, each in its own browser context, with everything they log and request."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[BrowserContext] = []
        self.console_errors: list[str] = []
        self.requests: list[str] = []

    def new_page(self, *, bypass_csp: bool = False, clipboard: bool = False, storage_state: Any = None,
                 viewport: tuple[int, int] = (1280, 900)) -> Page:
        """A page in a fresh context (its own cookies: one per person in a journey).

        ``bypass_csp`` lets axe-core be injected into the backend's pages; ``storage_state`` starts signed in;
        ``viewport`` is (width, height).
        """
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": viewport[0], "height": viewport[1]},
                                           bypass_csp=bypass_csp, locale="en-GB", timezone_id="UTC",
                                           storage_state=storage_state)
        context.set_default_timeout(10_000)
        if clipboard:
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.base_url)
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("console", self._console)
        context.on("weberror", lambda error: self.console_errors.append(f"uncaught: {error.error}"))
        self.contexts.append(context)
        return context.new_page()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.console_errors.append(f"{where}: {message.text}" if where else message.text)

    @property
    def pages(self) -> list[Page]:
        """Every page still open, in the order opened."""
        return [page for context in self.contexts for page in context.pages if not page.is_closed()]

    def outside_requests(self) -> list[str]:
        """Requests that left 127.0.0.1."""
        return [url for url in self.requests if not is_local(url)]

    def assert_clean(self) -> None:
        """No console errors and no request left 127.0.0.1 during the test."""
        assert not self.console_errors, "console errors:\n  " + "\n  ".join(self.console_errors)
        outside = self.outside_requests()
        assert not outside, "requests that left 127.0.0.1:\n  " + "\n  ".join(outside)

    def save_artifacts(self, folder: Path) -> None:
        """A screenshot and the HTML of every open page, for a failed test."""
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(self.pages, start=1):
            try:
                page.screenshot(path=str(folder / f"page-{number}.png"), full_page=True)
                (folder / f"page-{number}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
            except Exception as exc:  # a crashed page must not hide the test's own failure
                (folder / f"page-{number}.error.txt").write_text(f"{page.url}: {exc}\n", encoding="utf-8")
        log = ["console errors:", *self.console_errors, "", "requests:", *self.requests]
        (folder / "browser.log").write_text("\n".join(log) + "\n", encoding="utf-8")

    def close(self) -> None:
        """Close every context."""
        for context in self.contexts:
            context.close()


def output_folder(test_name: str) -> Path:
    """``tests/output/<test-name>/`` with the name made safe for a file system."""
    return OUTPUT / re.sub(r"[^\w.\-\[\]]+", "_", test_name)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page with the WCAG 2.0/2.1 A and AA rules; its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(result => result.violations)", options)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One block per violation: id, impact, what it means and the selectors of the failing elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    {' '.join(str(part) for part in node['target'])}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def search_site(page: Page, path: str, text: str) -> None:
    """Type ``text`` into the site's search box on ``path`` (key by key, as Material needs) and wait for a result."""
    page.goto(path)
    box = page.get_by_role("textbox", name="Search")
    box.click()
    box.press_sequentially(text)
    expect(page.locator(".md-search-result__item").first).to_be_visible()

"""``portal serve`` reloads an open page by itself after an edit, and only served pages carry the script for it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_harness import Browsing, free_port, portal_cli, server_env
from playwright.sync_api import Browser, expect

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "content/articles/getting-started.md"


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``portal serve`` (watching its sources) on a copy of the scaffold: its address and the portal folder."""
    portal = tmp_path / "portal"
    shutil.copytree(REPO / "generator" / "scaffold", portal)
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([portal_cli(), "serve", str(portal), "--port", str(port), "--data-dir", str(tmp_path / "data")],
                                   stdout=out, stderr=subprocess.STDOUT, env={**server_env(), "PORTAL_TODAY": "2026-11-20"})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{url}/api/session", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url, portal
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_open_page_reloads_itself_after_an_edit_and_only_served_pages_carry_the_script(
        browser: Browser, watched: tuple[str, Path]) -> None:
    """An open article shows a saved edit without the reader doing anything; the built site on disk has no live script."""
    url, portal = watched
    browsing = Browsing(browser, url)
    try:
        page = browsing.new_page()
        page.goto("/articles/getting-started/")
        page.evaluate("window.portalTestMarker = 'before the edit'")
        source = portal / ARTICLE
        source.write_text(source.read_text(encoding="utf-8") + "\nA paragraph saved while the page was open.\n", encoding="utf-8")
        expect(page.get_by_text("A paragraph saved while the page was open.")).to_be_visible(timeout=30_000)
        assert page.evaluate("window.portalTestMarker") is None, "the page was reloaded, not patched"
        browsing.assert_clean()  # the script and its requests pass the site's Content-Security-Policy
    finally:
        browsing.close()
    served = httpx.get(f"{url}/articles/getting-started/").text
    assert 'src="/_portal/live.js"' in served
    assert "/_portal/live.js" not in httpx.get(f"{url}/support/").text
    built = [p for p in (portal / "site").rglob("*.html") if "/_portal/live.js" in p.read_text(encoding="utf-8")]
    assert built == []


def test_open_page_follows_a_broken_save_then_a_title_change(browser: Browser, watched: tuple[str, Path]) -> None:
    """A save with an error leaves the open page as it was; a new title (a whole-site build in the background) reaches it."""
    url, portal = watched
    browsing = Browsing(browser, url)
    try:
        page = browsing.new_page()
        page.goto("/articles/getting-started/")
        source = portal / ARTICLE
        good = source.read_text(encoding="utf-8")
        source.write_text(good.replace("kind: guide", "kind: [guide") + "\nNever published.\n", encoding="utf-8")
        time.sleep(3)
        expect(page.locator("article h1")).to_contain_text("Getting started")
        assert "Never published." not in page.content()
        source.write_text(good.replace("title: Getting started", "title: Starting out"), encoding="utf-8")
        expect(page.locator("article h1")).to_contain_text("Starting out", timeout=60_000)
        browsing.assert_clean()
    finally:
        browsing.close()

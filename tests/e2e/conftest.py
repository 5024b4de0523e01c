"""Fixtures for the browser tests: the example portal built once, a server per module, Chromium pages.

A failing test leaves a screenshot and the HTML of each page it opened under ``tests/output/<test-name>/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import (AXE_JS, CHROMIUM, CHROMIUM_ARGS, Browsing, Portal, build_portal, copy_example_portal,
                         output_folder, serve_portal)
from playwright.sync_api import Browser, Page, expect, sync_playwright

expect.set_options(timeout=10_000)  # two busy cores can take a while to render a page


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--screenshots``: refresh the README's screenshots instead of running the tests (``make screenshots``)."""
    parser.addoption("--screenshots", action="store_true", default=False,
                     help="Run only the tests marked 'screenshots', which refresh docs/screenshots/*.png.")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here: pyproject's ``--strict-markers`` refuses unknown ones."""
    config.addinivalue_line("markers", "screenshots: refreshes docs/screenshots (run by `make screenshots` only)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Screenshot tests write into docs/, so they run with ``--screenshots`` only, and then alone."""
    wanted = bool(config.getoption("--screenshots", default=False))
    keep = [item for item in items if (item.get_closest_marker("screenshots") is not None) == wanted]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Keep each phase's report on the item, so fixtures can tell in teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def portal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal copied to a temporary folder and built once for the session.

    ``portal serve`` builds again when it starts; building here first makes a broken build fail once, with
    the build's own messages, instead of as a server that never answers.
    """
    if not AXE_JS.is_file() or not Path(CHROMIUM).is_file():
        pytest.fail("browser test dependencies are missing: run `bash scripts/test-deps.sh` (make test does)")
    folder = copy_example_portal(tmp_path_factory.mktemp("portal") / "portal")
    build_portal(folder)
    return folder


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The portal served for one test module."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browsing(browser: Browser, portal: Portal, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    """The test's pages; on failure their screenshots and HTML are saved under tests/output/<test-name>/."""
    folder = output_folder(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    session = Browsing(browser, portal.url)
    yield session
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    if any(report is not None and report.failed for report in reports):
        session.save_artifacts(folder)
    session.close()


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """One page in a fresh browser context."""
    return browsing.new_page()

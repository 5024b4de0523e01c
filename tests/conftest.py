"""Fixtures shared by the whole suite: a fixed "today" and a fresh portal copied from the scaffold."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import pg_harness

# MkDocs 1.6 prints a banner about MkDocs 2.0 unless told not to; set before anything imports it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "generator" / "scaffold"
TODAY = "2026-11-20"


@pytest.fixture(scope="session")
def today() -> str:
    """The date every test treats as today (ISO), so review dates in fixtures never rot."""
    return TODAY


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, today: str) -> None:
    """Fix the generator's notion of today through ``PORTAL_TODAY``."""
    monkeypatch.setenv("PORTAL_TODAY", today)


@pytest.fixture
def tmp_portal(tmp_path: Path, env: None) -> Path:
    """A fresh copy of the scaffold (``portal new``'s minimal portal) under ``tmp_path``."""
    portal = tmp_path / "portal"
    shutil.copytree(SCAFFOLD, portal)
    return portal


@pytest.fixture(scope="session", autouse=True)
def postgres_server() -> Iterator[None]:
    """With ``PORTAL_TEST_DATABASE=postgresql``, this process's PostgreSQL server (started on first use) is stopped at the end."""
    yield
    pg_harness.stop_server()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path | str]:
    """A fresh portal database for one test: an SQLite file under ``tmp_path``, or a PostgreSQL database (see pg_harness)."""
    where = pg_harness.fresh_database(tmp_path / "portal.db")
    yield where
    pg_harness.drop_database(where)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test in one pass: ``sqlite_only`` ones (SQLite's machinery, or a test that starts its own PostgreSQL)
    only on SQLite, ``postgresql_only`` ones only with ``PORTAL_TEST_DATABASE=postgresql``."""
    for item in items:
        if pg_harness.ENGINE == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite's own machinery, or brings its own PostgreSQL: the SQLite pass runs it"))
        if pg_harness.ENGINE != "postgresql" and item.get_closest_marker("postgresql_only"):
            item.add_marker(pytest.mark.skip(reason="tests PostgreSQL's own machinery (PORTAL_TEST_DATABASE=postgresql runs it)"))

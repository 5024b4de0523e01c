"""Fixtures shared by the whole suite: a fixed "today" and a fresh portal copied from the scaffold."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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

"""Fixtures for generator integration tests: portals laid out in tmp folders, and the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

REPO = Path(__file__).resolve().parents[3]
SCAFFOLD = REPO / "generator" / "scaffold"
DATA = REPO / "tests" / "data"

RunPortal = Callable[..., Result]
MakePortal = Callable[..., Path]


@pytest.fixture(scope="session")
def run_portal(today: str) -> RunPortal:
    """Run the real ``portal`` command in-process with today fixed; returns click's Result."""

    def run(*args: object) -> Result:
        return CliRunner(env={"PORTAL_TODAY": today}).invoke(cli, [str(a) for a in args], prog_name="portal")

    return run


@pytest.fixture(scope="session")
def make_portal() -> MakePortal:
    """Copy the scaffold to ``dest`` and lay fixture folders (under tests/data/) over it."""

    def make(dest: Path, *overlays: str) -> Path:
        shutil.copytree(SCAFFOLD, dest)
        for overlay in overlays:
            shutil.copytree(DATA / overlay, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
        return dest

    return make

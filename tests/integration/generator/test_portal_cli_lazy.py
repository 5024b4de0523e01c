"""The core commands start without importing the backend; every other command is still there."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from generator.cli import cli


def test_importing_the_cli_does_not_import_the_backend_commands() -> None:
    """``portal check`` and ``portal build`` no longer pay for importing FastAPI and the backend."""
    code = "import sys, generator.cli; print('support.cli' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_backend_commands_are_listed_and_run() -> None:
    """``--help`` lists the backend's commands and ``portal user --help`` works."""
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"], prog_name="portal")
    assert all(name in listing.output for name in ("user", "backup", "restore", "report", "import-gift"))
    assert runner.invoke(cli, ["user", "--help"], prog_name="portal").exit_code == 0

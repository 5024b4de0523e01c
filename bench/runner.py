"""Running measured subprocesses: wall time and peak memory (max RSS) of exactly one child."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PORTAL_TODAY": "2026-06-01"}


@dataclass
class Run:
    """One finished subprocess."""

    seconds: float
    max_rss_mb: float
    returncode: int
    output: str


def env(**extra: str) -> dict[str, str]:
    """The environment for measured commands: quiet MkDocs, a fixed date, the venv first on PATH."""
    out = {**os.environ, **QUIET_ENV, **extra}
    # as on a user's machine, where Python caches compiled modules: this workplace sets PYTHONDONTWRITEBYTECODE,
    # which made every portal process compile the project's own modules anew (about 50 ms)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out["PATH"] = f"{VENV_BIN}{os.pathsep}{out.get('PATH', '')}"
    return out


TIME = Path("/usr/bin/time")


def run(cmd: list[str], cwd: Path | None = None, check: bool = True, **extra_env: str) -> Run:
    """Run ``cmd`` to the end; its wall time and the peak memory of that command alone.

    The peak comes from ``/usr/bin/time`` around the command: Linux counts in a child's own
    ``ru_maxrss`` the copy of the parent it was forked from, so a bench process grown to 116 MiB
    made a bare build that peaks at 84 MiB report 116 (``os.wait4``'s figure is the fallback).
    """
    with tempfile.TemporaryFile("w+") as log, tempfile.NamedTemporaryFile("r") as peak:
        measured = [str(TIME), "-f", "%M", "-o", peak.name, *map(str, cmd)] if TIME.is_file() else list(map(str, cmd))
        started = time.perf_counter()
        proc = subprocess.Popen(measured, cwd=cwd, env=env(**extra_env), stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        kib = _peak_kib(peak.read()) if TIME.is_file() else usage.ru_maxrss
        result = Run(seconds, kib / 1024, proc.returncode, log.read())
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.output[-3000:]}")
    return result


def _peak_kib(written: str) -> int:
    """The ``%M`` figure (KiB) that ``/usr/bin/time -o`` wrote (after a "Command exited" line on failure)."""
    numbers = [line for line in written.split() if line.isdigit()]
    return int(numbers[-1]) if numbers else 0


def median(values: list[float]) -> float:
    """The median, rounded for reporting."""
    return round(statistics.median(values), 4)


def tool(name: str) -> str:
    """A console script of the venv (portal, mkdocs, uvicorn)."""
    return str(VENV_BIN / name)

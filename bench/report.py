"""Figures, the results table, ``bench/results/latest.json`` and the machine description."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2", "pydantic", "ruamel.yaml",
            "ruamel.yaml.clib", "fastapi", "starlette", "uvicorn", "httpx", "sqlite-utils", "whoosh-reloaded", "pyinstrument")
OPS = {"<=": lambda v, t: v <= t, "<": lambda v, t: v < t, ">=": lambda v, t: v >= t}


@dataclass
class Figure:
    """One measured figure, its target and (where there is one) the baseline measured in the same run."""

    group: str
    name: str
    value: float | None
    unit: str
    op: str
    target: float
    baseline: float | None = None
    baseline_label: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def passed(self) -> bool | None:
        """Whether the target is met (None when the figure could not be measured)."""
        return None if self.value is None else OPS[self.op](self.value, self.target)

    @property
    def ratio(self) -> float | None:
        """The figure over its baseline (for ratio figures the value itself)."""
        if self.unit == "x":
            return self.value
        if self.baseline and self.value is not None:
            return round(self.value / self.baseline, 3)
        return None


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit}".strip()


def table(figures: list[Figure]) -> str:
    """The results as a Markdown table (also what ``make bench`` prints)."""
    rows = ["| figure | target | measured | baseline (same run) | ratio | result |", "|---|---|---|---|---|---|"]
    for f in figures:
        result = {True: "pass", False: "**FAIL**", None: "not measured"}[f.passed]
        base = f"{_fmt(f.baseline)} ({f.baseline_label})" if f.baseline is not None else "-"
        rows.append(f"| {f.name} | {f.op} {_fmt(f.target, f.unit)} | {_fmt(f.value, f.unit)} | {base} | {_fmt(f.ratio)} | {result} |")
    return "\n".join(rows)


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python and the versions of the packages that matter."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    import sqlite3

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kb / 1024**2, 1), "os": platform.platform(),
            "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version, "packages": versions}


def write(figures: list[Figure], seconds: float, notes: list[str]) -> Path:
    """Write ``bench/results/latest.json`` and return its path."""
    RESULTS.mkdir(exist_ok=True)
    data = {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "total_seconds": round(seconds, 1),
        "machine": machine(), "notes": notes,
        "figures": [{**asdict(f), "ratio": f.ratio, "passed": f.passed} for f in figures],
    }
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return out

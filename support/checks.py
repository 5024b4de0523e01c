"""What ``portal check`` asks of the backend: its own sources in the portal folder, checked like the site's.

``routing.yml`` and ``business-hours.yml`` are read by the running backend, which keeps the last good
version when a file is broken and logs why; ``portal check`` reports the same problems before they are
deployed, with the portal folder's relative paths (installed as the ``portal.checks`` entry point).
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problems
from generator.sources import read_yaml_file, validate
from support.tickets import business_hours, routing


def check_sources(root: Path, problems: Problems) -> None:
    """Add every problem of ``routing.yml`` and ``business-hours.yml`` in ``root`` (each optional) to ``problems``."""
    for name, model, cross_check in (
        ("routing.yml", routing.RoutingFile, routing.check),
        ("business-hours.yml", business_hours.HoursFile, business_hours.check),
    ):
        file = Path(root) / name
        if not file.is_file():
            continue
        doc = read_yaml_file(file, name, problems)
        spec = validate(model, doc, problems) if doc is not None else None
        if isinstance(spec, model):
            cross_check(spec, doc, problems, name)

"""The ``portal`` MkDocs plugin on its own: plain ``mkdocs build`` runs the pipeline too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def mkdocs(portal: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run MkDocs' own command in the portal folder."""
    script = Path(sys.executable).with_name("mkdocs")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120, cwd=portal)


def test_mkdocs_build_renders_the_portal_pages(tmp_portal: Path) -> None:
    """``mkdocs build --strict`` of the scaffold builds the generated role, runbook and KB pages."""
    proc = mkdocs(tmp_portal, "build", "--strict", "-q")
    assert proc.returncode == 0, proc.stderr
    for page in ("roles/operator", "runbooks/restart-service", "kb", "articles/getting-started", "reference/rest/service/items"):
        assert (tmp_portal / "site" / page / "index.html").is_file(), page
    assert (tmp_portal / "site/_portal/kb.json").is_file()
    assert not (tmp_portal / "site/roles/operator.yml").exists()


def test_mkdocs_build_stops_on_source_errors_with_located_lines(tmp_portal: Path) -> None:
    """A broken source aborts ``mkdocs build`` with the same located line ``portal check`` prints."""
    article = tmp_portal / "content/articles/getting-started.md"
    article.write_text(article.read_text().replace("roles: [operator]", "roles: [operater]"))
    proc = mkdocs(tmp_portal, "build", "-q")
    assert proc.returncode == 1
    assert "content/articles/getting-started.md:5:9: error: roles[0]: unknown role 'operater' (did you mean 'operator'?)" in proc.stderr.splitlines()
    assert "portal: 1 error, 0 warnings" in proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr
    assert not (tmp_portal / "site").exists()

"""What a build reports: id links in role text, each warning once and in the right number, an invalid source not also reported where it is referenced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from click.testing import Result

MakePortal = Callable[..., Path]  # the make_portal fixture
RunPortal = Callable[..., Result]  # the run_portal fixture

OVERDUE = (
    "content/runbooks/restart-service.yml:8:16: warning: review overdue since 2026-04-05 (last reviewed 2026-01-05, "
    "every 90 days): walk through the runbook, then update 'last_reviewed'"
)


def portal(*args: object, today: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("portal")
    env = {**os.environ, "PORTAL_TODAY": today}
    return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


def test_id_links_in_role_text_become_working_links(tmp_portal: Path, run_portal: RunPortal) -> None:
    """An id link in a role's task description is rewritten like in articles and runbooks (checked, so it must work)."""
    role = tmp_portal / "content/roles/operator.yml"
    role.write_text(role.read_text().replace(
        "description: A restart clears most stuck states.",
        "description: A restart clears most stuck states; see [step 1](runbook:restart-service#step-1).",
    ))
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    page = (tmp_portal / "site/roles/operator/index.html").read_text(encoding="utf-8")
    assert 'href="../../runbooks/restart-service/#step-1"' in page
    assert 'href="runbook:' not in page


def test_build_prints_each_warning_once(tmp_path: Path, make_portal: MakePortal, today: str) -> None:
    """``portal build`` prints a source warning once on stderr, not once through MkDocs' log and again itself."""
    root = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    proc = portal("build", root, today=today)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [OVERDUE]


def test_build_counts_one_warning_in_the_singular(tmp_path: Path, make_portal: MakePortal, run_portal: RunPortal) -> None:
    """The build's last line says '(1 warning)', as ``portal check`` says '1 warning'."""
    root = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    result = run_portal("build", root)
    assert result.exit_code == 0, result.output
    assert result.stdout == "portal build: site written (1 warning)\n"


def test_runbook_with_id_index_is_reported_not_hiding_the_runbook_index(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A runbook whose page would replace the generated runbooks/index.md is an error at its id, not a silent overwrite."""
    source = (tmp_portal / "content/runbooks/restart-service.yml").read_text()
    (tmp_portal / "content/runbooks/index.yml").write_text(source.replace("id: restart-service", "id: index"))
    result = run_portal("check", tmp_portal)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("content/runbooks/index.yml:1:"), result.stderr


def test_invalid_source_is_not_also_reported_as_unknown_where_referenced(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A role with one misspelt field gives that field's errors, not extra 'unknown role' errors wherever it is named."""
    role = tmp_portal / "content/roles/operator.yml"
    role.write_text(role.read_text().replace("title: Operator", "titel: Operator"))
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [
        "content/roles/operator.yml:2:1: error: title: field required",
        "content/roles/operator.yml:3:1: error: titel: unknown field 'titel' (did you mean 'title'?)",
        "portal check: 2 errors, 0 warnings",
    ]

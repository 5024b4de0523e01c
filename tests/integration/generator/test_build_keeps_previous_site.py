"""``portal build`` on broken sources leaves the previously built site exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]  # the run_portal fixture


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(portal: Path) -> list[str]:
    """Staging or backup folders a build left next to the site."""
    return sorted(p.name for p in portal.iterdir() if p.name.startswith(("site.new-", "site.old-")))


def test_broken_source_fails_the_build_and_keeps_the_site(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A build that finds an error exits 1 with the located line, and site/ is byte-for-byte unchanged."""
    assert run_portal("build", tmp_portal).exit_code == 0
    before = fingerprint(tmp_portal / "site")
    assert "index.html" in before and "_portal/kb.json" in before
    role = tmp_portal / "content/roles/operator.yml"
    role.write_text(role.read_text().replace("  - runbook: restart-service", "  - runbook: restart-servce"))
    result: Result = run_portal("build", tmp_portal)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: the site was not built; the previous site is unchanged",
        "content/roles/operator.yml:15:14: error: learning_path[1].runbook: unknown runbook 'restart-servce' (did you mean 'restart-service'?)",
        "portal build: 1 error, 0 warnings",
    ]
    assert fingerprint(tmp_portal / "site") == before
    assert leftovers(tmp_portal) == []


def test_strict_build_with_a_warning_keeps_the_site(tmp_portal: Path, run_portal: RunPortal) -> None:
    """Under --strict an overdue review stops the build and the old site stays."""
    assert run_portal("build", tmp_portal).exit_code == 0
    before = fingerprint(tmp_portal / "site")
    runbook = tmp_portal / "content/runbooks/restart-service.yml"
    runbook.write_text(runbook.read_text().replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01"))
    result = run_portal("build", tmp_portal, "--strict")
    assert result.exit_code == 1
    assert "content/runbooks/restart-service.yml:8:16: error: review overdue since 2025-06-30" in result.stderr
    assert fingerprint(tmp_portal / "site") == before
    assert leftovers(tmp_portal) == []


def test_overdue_review_is_a_warning_that_does_not_stop_a_plain_build(tmp_portal: Path, run_portal: RunPortal) -> None:
    """Without --strict an overdue review is printed and the site is built, even when mkdocs.yml says ``strict: true``."""
    config = tmp_portal / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text())
    runbook = tmp_portal / "content/runbooks/restart-service.yml"
    runbook.write_text(runbook.read_text().replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01"))
    result = run_portal("build", tmp_portal)
    assert (result.exit_code, result.stdout) == (0, "portal build: site written (1 warning)\n")
    assert "Review overdue since 2025-06-30" in (tmp_portal / "site/runbooks/restart-service/index.html").read_text(encoding="utf-8")
    assert run_portal("build", tmp_portal, "--strict").exit_code == 1


def test_successful_rebuild_replaces_the_site_and_cleans_up(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A good rebuild swaps in the new site, with no staging or backup folder left behind."""
    assert run_portal("build", tmp_portal).exit_code == 0
    (tmp_portal / "site" / "stale.txt").write_text("from an old build")
    role = tmp_portal / "content/roles/operator.yml"
    role.write_text(role.read_text().replace("title: Operator", "title: Line Operator"))
    result = run_portal("build", tmp_portal)
    assert (result.exit_code, result.stdout) == (0, "portal build: site written (0 warnings)\n")
    assert not (tmp_portal / "site" / "stale.txt").exists()
    assert "Line Operator" in (tmp_portal / "site/roles/operator/index.html").read_text(encoding="utf-8")
    assert leftovers(tmp_portal) == []


def test_site_dir_option_builds_elsewhere(tmp_portal: Path, tmp_path: Path, run_portal: RunPortal) -> None:
    """``--site-dir`` writes the site to the given folder and leaves the default one alone."""
    target = tmp_path / "elsewhere" / "out"
    result = run_portal("build", tmp_portal, "--site-dir", target)
    assert result.exit_code == 0, result.output
    assert (target / "roles/operator/index.html").is_file()
    assert not (tmp_portal / "site").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["out"]

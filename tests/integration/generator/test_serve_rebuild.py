"""``portal serve``'s watcher: noticing source changes, and rebuilding without ever losing the site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.serve import rebuild, snapshot


def test_snapshot_notices_a_changed_source_and_ignores_editor_files(tmp_portal: Path) -> None:
    """A changed source changes the snapshot; editor backup and lock files do not."""
    folders = [tmp_portal / "content", tmp_portal / "quizzes"]
    before = snapshot(folders, [tmp_portal / "mkdocs.yml"])
    assert "content/roles/operator.yml" in {Path(p).relative_to(tmp_portal).as_posix() for p in before}
    (tmp_portal / "content/roles/operator.yml~").write_text("backup")
    (tmp_portal / "content/roles/.#operator.yml").write_text("lock")
    assert snapshot(folders, [tmp_portal / "mkdocs.yml"]) == before
    role = tmp_portal / "content/roles/operator.yml"
    stat = role.stat()
    os.utime(role, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert snapshot(folders, [tmp_portal / "mkdocs.yml"]) != before


def test_rebuild_with_errors_prints_them_and_keeps_the_site(tmp_portal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A rebuild on broken sources reports the located error, returns False, and keeps the old site."""
    assert rebuild(tmp_portal) is True
    page = tmp_portal / "site/roles/operator/index.html"
    before = page.read_bytes()
    role = tmp_portal / "content/roles/operator.yml"
    good = role.read_text()
    role.write_text(good.replace("  - runbook: restart-service", "  - runbook: restart-servce"))
    capsys.readouterr()
    assert rebuild(tmp_portal) is False
    assert capsys.readouterr().err.splitlines() == [
        "portal serve: the site was not built; the previous site is unchanged",
        "content/roles/operator.yml:15:14: error: learning_path[1].runbook: unknown runbook 'restart-servce' (did you mean 'restart-service'?)",
        "portal build: 1 error, 0 warnings",
    ]
    assert page.read_bytes() == before
    role.write_text(good.replace("title: Operator", "title: Line Operator"))
    assert rebuild(tmp_portal) is True
    assert "Line Operator" in page.read_text(encoding="utf-8")

"""``portal serve``'s watcher: noticing source changes, and rebuilding without ever losing the site."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import serve
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


class Served:
    """``portal serve`` running as a user runs it, its stderr collected line by line."""

    def __init__(self, portal: Path, tmp_path: Path, today: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        script = Path(sys.executable).with_name("portal")
        env = {**os.environ, "PORTAL_TODAY": today}
        args = [str(script), "serve", str(portal), "--port", str(port), "--data-dir", str(tmp_path / "data")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        """Wait until a stderr line (from line ``after`` on) contains ``text``; the index past it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, line in enumerate(self.lines[after:], start=after):
                if text in line:
                    return i + 1
            assert self.proc.poll() is None, "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.reader.join(timeout=10)
        assert self.proc.stderr is not None
        self.proc.stderr.close()


def test_serve_reports_an_impossible_date_then_rebuilds_the_next_good_edit(tmp_portal: Path, tmp_path: Path, today: str) -> None:
    """Under ``portal serve`` a file with ``reviewed: 2026-13-45`` is one located error; the fix after it is rebuilt."""
    served = Served(tmp_portal, tmp_path, today)
    try:
        seen = served.wait_for("portal serve: watching content/, quizzes/ and mkdocs.yml for changes")
        article = tmp_portal / "content/articles/getting-started.md"
        good = article.read_text(encoding="utf-8")
        reviewed = next(line for line in good.splitlines() if line.startswith("reviewed:"))
        article.write_text(good.replace(reviewed, "reviewed: 2026-13-45"), encoding="utf-8")
        seen = served.wait_for("content/articles/getting-started.md:8:11: error: reviewed: '2026-13-45' is not a valid date", seen)
        article.write_text(good + "\nA paragraph added while serving.\n", encoding="utf-8")
        served.wait_for("portal serve: site rebuilt", seen)
        page = tmp_portal / "site/articles/getting-started/index.html"
        assert "A paragraph added while serving." in page.read_text(encoding="utf-8")
    finally:
        served.stop()
    assert not any("Traceback" in line for line in served.lines), "\n".join(served.lines)


def test_a_rebuild_that_fails_unforeseen_is_printed_and_the_next_one_builds(tmp_portal: Path, monkeypatch: pytest.MonkeyPatch,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A rebuild that fails in an unforeseen way (here a simulated bug) is printed, not raised; the next one builds.

    (The watcher runs each rebuild in a child process; a child that dies is covered in test_serve_coalescing.)
    """
    assert rebuild(tmp_portal) is True
    real_build, calls = serve.build, []

    def build_failing_once(root: Path, **options: object) -> None:
        calls.append(root)
        if len(calls) == 1:
            raise RuntimeError("a bug in the build")
        real_build(root, **options)

    monkeypatch.setattr(serve, "build", build_failing_once)
    role = tmp_portal / "content/roles/operator.yml"
    page = tmp_portal / "site/roles/operator/index.html"
    good = role.read_text()
    role.write_text(good.replace("title: Operator", "title: Night Operator"))
    assert rebuild(tmp_portal) is False
    assert "Night Operator" not in page.read_text(encoding="utf-8")
    role.write_text(good.replace("title: Operator", "title: Line Operator"))
    assert rebuild(tmp_portal) is True
    assert "Line Operator" in page.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    assert "portal serve: the rebuild failed (RuntimeError: a bug in the build); the previous site stays up" in err
    assert len(calls) == 2

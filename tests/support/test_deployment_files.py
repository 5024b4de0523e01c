"""The deployment guide's files: shown in docs/deployment.md as shipped, the systemd units verified, the Dockerfile
built where a Docker daemon answers (else its structure checked), ``portal backend`` and ``portal backup DIR --keep``."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from support_harness import Live, free_port, make_site

from generator.cli import cli as portal

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "deployment.md"
UNITS = ("portal.service", "portal-backup.service", "portal-backup.timer")


def docker_answers() -> bool:
    """Whether a Docker daemon is reachable (a client alone cannot build)."""
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def test_the_guide_shows_each_shipped_file_as_it_is() -> None:
    """Every ``<!-- file: PATH -->`` block in the guide equals the file, and every file under deploy/ is shown."""
    text = GUIDE.read_text(encoding="utf-8")
    shown = dict(re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```\n", text, re.S))
    shipped = {str(p.relative_to(REPO)) for p in (REPO / "deploy").rglob("*") if p.is_file()} | {"Dockerfile"}
    assert set(shown) == shipped
    for path, body in shown.items():
        assert body == (REPO / path).read_text(encoding="utf-8"), f"docs/deployment.md shows an old {path}"


def test_readme_links_the_deployment_guide() -> None:
    """README sends an administrator to the guide."""
    assert "(docs/deployment.md)" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as shipped, with ExecStart pointed at this venv's portal: no error and no warning."""
    for name in UNITS:
        text = (REPO / "deploy" / "systemd" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/opt/portal/venv/bin/portal", str(Path(sys.executable).with_name("portal"))))
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def test_the_dockerfile_is_multi_stage_runs_unprivileged_and_checks_health() -> None:
    """Builds in one stage, runs in another as a named non-root user, probes /healthz, serves with ``portal backend``."""
    stages = dockerfile_stages()
    assert len(stages) >= 2
    final = dict(stages[-1])
    assert final["USER"] not in ("root", "0") and any(i == "COPY" and a.startswith("--from=build") for i, a in stages[-1])
    assert "/healthz" in final["HEALTHCHECK"] and final["HEALTHCHECK"].startswith("--interval=")
    assert json.loads(final["CMD"])[1:3] == ["backend", "--host"]
    assert "PORTAL_ENVIRONMENT=production" in final["ENV"]
    ignored = (REPO / ".dockerignore").read_text().split()
    for instruction, arguments in (pair for stage in stages for pair in stage):
        if instruction == "COPY" and not arguments.startswith("--from"):
            for source in shlex.split(arguments)[:-1]:
                assert (REPO / source).exists() and source not in ignored, source


@pytest.mark.skipif(not docker_answers(), reason="no Docker daemon answers here: the structure test stands in")
def test_the_image_builds_and_reports_healthy(tmp_path: Path) -> None:
    """docker build, run with a secret key, and wait for the HEALTHCHECK to say healthy."""
    subprocess.run(["docker", "build", "-t", "portal-test", str(REPO)], check=True, timeout=900)
    container = subprocess.run(["docker", "run", "-d", "-e", "PORTAL_SECRET_KEY=" + "k" * 48, "portal-test"],
                               capture_output=True, text=True, check=True).stdout.strip()
    try:
        deadline, health = time.monotonic() + 120, ""
        while time.monotonic() < deadline and health != "healthy":
            time.sleep(2)
            health = subprocess.run(["docker", "inspect", "-f", "{{.State.Health.Status}}", container],
                                    capture_output=True, text=True).stdout.strip()
        assert health == "healthy"
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)


@pytest.mark.sqlite_only
def test_backup_into_a_folder_keeps_the_newest(live: Live, tmp_path: Path) -> None:
    """``portal backup DIR --keep 2`` (the timer's command) writes portal-<time>.db files and deletes all but the newest two."""
    folder = tmp_path / "backups"
    for _ in range(3):
        result = CliRunner().invoke(portal, ["backup", str(folder), "--keep", "2", "--data-dir", str(live.data_dir)])
        assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and all(re.fullmatch(r"portal-\d{8}T\d{12}Z\.db", name) for name in kept)
    assert "Deleted the older backup" in result.output


def test_portal_backend_refuses_a_folder_without_a_built_site(tmp_path: Path) -> None:
    """A clean error, exit 1, naming the folder and what to run."""
    result = CliRunner().invoke(portal, ["backend", "--site-dir", str(tmp_path), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path} holds no built site (no _portal/kb.json): run `portal build` first\n"


def test_portal_backend_serves_a_built_site_with_json_logs_and_stops_on_sigterm(tmp_path: Path) -> None:
    """As the systemd unit runs it: settings from the environment, JSON lines on stdout, a clean stop on SIGTERM."""
    site, port = make_site(tmp_path), free_port()
    env = {**os.environ, "PORTAL_LOG_FORMAT": "json", "PORTAL_DATA_DIR": str(tmp_path / "data"), "PORTAL_SITE_DIR": str(site),
           "PORTAL_ENVIRONMENT": "production", "PORTAL_SECRET_KEY": "s" * 48}
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        process = subprocess.Popen([Path(sys.executable).with_name("portal"), "backend", "--port", str(port)],
                                   env=env, cwd=tmp_path, stdout=stdout, stderr=stderr)
    try:
        deadline, ready = time.monotonic() + 30, None
        while time.monotonic() < deadline and ready is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert ready is not None and ready.status_code == 200, (tmp_path / "stderr").read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after its graceful stop
    lines = [json.loads(line) for line in (tmp_path / "stdout").read_text().splitlines() if line.startswith("{")]
    assert any(line.get("route") == "/readyz" and line["status"] == 200 for line in lines)
    errors = [json.loads(line) for line in (tmp_path / "stderr").read_text().splitlines()]  # uvicorn's own lines, as JSON
    assert any("Uvicorn running" in line["message"] for line in errors)
    assert errors[-1]["message"].startswith("Finished server process")

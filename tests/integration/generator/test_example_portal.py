"""The example portal (this repository's own content) checks clean and builds under --strict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def portal(*args: object, today: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``portal`` script as a user would."""
    script = Path(sys.executable).with_name("portal")
    env = {**os.environ, "PORTAL_TODAY": today}
    return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=300, env=env, cwd=REPO)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, today: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``portal build /work/main --strict --site-dir TMP``, run once."""
    site = tmp_path_factory.mktemp("example") / "site"
    return portal("build", REPO, "--strict", "--site-dir", site, today=today), site


def test_example_portal_checks_clean(today: str) -> None:
    """``portal check`` of the repository exits 0 with no errors and no warnings."""
    proc = portal("check", REPO, today=today)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "portal check: 0 errors, 0 warnings\n", "")


def test_example_portal_builds_strict_without_warnings(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """``portal build --strict`` succeeds, prints no warning, and writes the site where asked."""
    proc, site = built
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "portal build: site written (0 warnings)\n"
    assert "Traceback" not in proc.stderr
    assert (site / "index.html").is_file()


def test_example_portal_builds_with_overdue_reviews_unless_strict(tmp_path: Path) -> None:
    """Years later every review is overdue: a plain ``portal build`` still publishes (with warnings); ``--strict`` refuses."""
    plain = portal("build", REPO, "--site-dir", tmp_path / "site", today="2030-01-01")
    assert plain.returncode == 0, plain.stderr
    assert re.fullmatch(r"portal build: site written \(\d+ warnings\)\n", plain.stdout)
    assert ": warning: review overdue since " in plain.stderr
    strict = portal("build", REPO, "--strict", "--site-dir", tmp_path / "strict", today="2030-01-01")
    assert strict.returncode == 1
    assert ": error: review overdue since " in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_example_portal_has_a_page_per_role(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """Every role source, production-operator among them, has a role page linked from the home page."""
    _, site = built
    roles = sorted(re.search(r"^id: *([\w-]+)", p.read_text(encoding="utf-8"), re.M).group(1) for p in (REPO / "content/roles").glob("*.yml"))  # type: ignore[union-attr]
    assert "production-operator" in roles
    home = (site / "index.html").read_text(encoding="utf-8")
    for role in roles:
        assert (site / "roles" / role / "index.html").is_file(), role
        assert f'href="roles/{role}/"' in home, role


def test_production_operator_page_has_a_learning_path(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The production operator's page shows responsibilities and an ordered learning path."""
    _, site = built
    page = (site / "roles/production-operator/index.html").read_text(encoding="utf-8")
    assert 'id="responsibilities"' in page
    path = page[page.index('id="learning-path"') :]
    assert path.index("<ol>") < path.index("</ol>")
    assert path[: path.index("</ol>")].count("<li>") >= 3

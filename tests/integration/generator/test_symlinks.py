"""Symbolic links in the sources: links that leave the portal folder, dangle or loop are refused, others followed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]  # the run_portal fixture

OUTSIDE = "leads outside the portal folder (to {}): copy the file into the portal folder instead, or remove the link"


def portal(*args: object) -> subprocess.CompletedProcess[str]:
    """The installed ``portal`` script, as a user runs it."""
    script = Path(sys.executable).with_name("portal")
    return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=120)


def test_links_to_files_outside_the_portal_are_refused_by_check_and_build(tmp_portal: Path, tmp_path: Path, run_portal: RunPortal) -> None:
    """A link to a file or folder outside the portal folder is an error naming the link and its target; nothing is published."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the site\n")
    (tmp_portal / "content/notes.txt").symlink_to(outside / "secret.txt")
    (tmp_portal / "content/shared").symlink_to(outside)
    expected = [
        f"content/notes.txt: error: symbolic link to '{outside}/secret.txt' " + OUTSIDE.format(outside.resolve() / "secret.txt"),
        f"content/shared: error: symbolic link to '{outside}' " + OUTSIDE.format(outside.resolve()),
    ]
    check = run_portal("check", tmp_portal)
    assert (check.exit_code, check.stderr.splitlines()) == (1, [*expected, "portal check: 2 errors, 0 warnings"])
    build = run_portal("build", tmp_portal)
    assert build.exit_code == 1
    assert build.stderr.splitlines()[1:] == [*expected, "portal build: 2 errors, 0 warnings"]
    assert not (tmp_portal / "site").exists()


def test_symlink_loops_are_refused_by_check_and_build_without_a_traceback(tmp_portal: Path, env: None) -> None:
    """A link that leads back to itself, or to a folder that holds it, fails ``portal check`` as well as ``portal build``, each with one located line."""
    os.symlink("assets", tmp_portal / "content/assets")
    os.symlink("..", tmp_portal / "content/articles/all")
    expected = [
        "content/articles/all: error: symbolic link to '..' is a loop: it leads back to a folder that holds it; remove the link",
        "content/assets: error: symbolic link to 'assets' is a loop: following it leads back to itself; point it at a file or remove it",
    ]
    check = portal("check", tmp_portal)
    assert (check.returncode, check.stderr.splitlines()) == (1, [*expected, "portal check: 2 errors, 0 warnings"])
    build = portal("build", tmp_portal)
    assert build.returncode == 1
    assert build.stderr.splitlines() == [
        "Error: the site was not built; the previous site is unchanged", *expected, "portal build: 2 errors, 0 warnings",
    ]
    assert "Traceback" not in check.stderr + build.stderr


def test_link_to_nothing_is_refused(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A link whose target does not exist is an error, not a failed copy during the build."""
    os.symlink("img/logo.png", tmp_portal / "content/logo.png")
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "content/logo.png: error: symbolic link to 'img/logo.png' points at nothing: point it at a file inside the portal folder or remove it",
        "portal build: 1 error, 0 warnings",
    ]


def test_links_that_stay_inside_the_portal_are_followed(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A link to a file or folder inside the portal folder is allowed, and the site gets what it points at."""
    (tmp_portal / "images").mkdir()
    (tmp_portal / "images/logo.svg").write_text("<svg/>")
    (tmp_portal / "content/logo.svg").symlink_to("../images/logo.svg")
    (tmp_portal / "content/pictures").symlink_to("../images", target_is_directory=True)
    result = run_portal("build", tmp_portal)
    assert (result.exit_code, result.stderr) == (0, "")
    assert (tmp_portal / "site/logo.svg").read_text() == "<svg/>"
    assert (tmp_portal / "site/pictures/logo.svg").read_text() == "<svg/>"

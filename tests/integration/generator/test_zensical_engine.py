"""``portal build --engine zensical``: the example portal built by Zensical, page by page as MkDocs builds it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# where scripts/test-deps.sh (run by `make test`) installs Zensical, in a venv of its own
ZENSICAL = Path(os.environ.get("PORTAL_ZENSICAL_VENV", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                / "portalgen" / "zensical-0.0.73")) / "bin" / "zensical"


def portal(*args: object, today: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``portal`` script as a user would."""
    script = Path(sys.executable).with_name("portal")
    return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PORTAL_TODAY": today, **env}, cwd=REPO)


class _Headings(HTMLParser):
    """The headings (level and text, without the permalink sign) inside a page's ``<article>``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._article = self._permalink = False
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._article = self._article or tag == "article"
        if self._article and re.fullmatch(r"h[1-6]", tag):
            self._open = [tag, ""]
        self._permalink = self._permalink or (tag == "a" and "headerlink" in (dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = False
        if self._open and tag == self._open[0]:
            self.found.append((tag, " ".join(self._open[1].split())))
            self._open = None
        if tag == "a":
            self._permalink = False

    def handle_data(self, data: str) -> None:
        if self._open and not self._permalink:
            self._open[1] += data


def headings(page: Path) -> list[tuple[str, str]]:
    """The headings of one built page."""
    parser = _Headings()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def pages(site: Path) -> set[str]:
    """Every HTML page of a built site, by path."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_example_builds_with_zensical_with_the_pages_and_headings_of_the_mkdocs_build(tmp_path: Path, today: str) -> None:
    """Both engines build the example: the same pages, the same headings on each, and the backend's KB export."""
    assert ZENSICAL.is_file(), f"{ZENSICAL} missing: run scripts/test-deps.sh (make test does)"
    mkdocs = portal("build", REPO, "--site-dir", tmp_path / "mkdocs", today=today)
    zensical = portal("build", REPO, "--engine", "zensical", "--site-dir", tmp_path / "zensical", today=today,
                      PORTAL_ZENSICAL=str(ZENSICAL))
    assert mkdocs.returncode == 0, mkdocs.stderr
    assert (zensical.returncode, zensical.stdout) == (0, "portal build: site written (0 warnings)\n"), zensical.stderr
    built = {engine: tmp_path / engine for engine in ("mkdocs", "zensical")}
    assert pages(built["zensical"]) == pages(built["mkdocs"])
    assert len(pages(built["mkdocs"])) > 80
    differing = [p for p in sorted(pages(built["mkdocs"])) if headings(built["zensical"] / p) != headings(built["mkdocs"] / p)]
    assert differing == []
    assert headings(built["zensical"] / "reference/python/linectl/client/index.html")[0][0] == "h1"  # mkdocstrings ran
    kb = {engine: json.loads((site / "_portal/kb.json").read_text(encoding="utf-8")) for engine, site in built.items()}
    assert [p["url"] for p in kb["zensical"]["pages"]] == [p["url"] for p in kb["mkdocs"]["pages"]]
    assert not list(tmp_path.glob(".zensical*")), "the scratch project is removed after the build"


def test_missing_zensical_is_a_clear_error_and_leaves_the_site(tmp_path: Path, today: str) -> None:
    """Without the ``zensical`` command the build stops with a message saying how to get it; nothing is written."""
    proc = portal("build", REPO, "--engine", "zensical", "--site-dir", tmp_path / "site", today=today,
                  PATH=str(Path(sys.executable).parent), PORTAL_ZENSICAL="")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: --engine zensical: the 'zensical' command was not found on PATH")
    assert "PORTAL_ZENSICAL" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()


def test_zensical_setting_naming_no_program_is_reported(tmp_path: Path, today: str) -> None:
    """``PORTAL_ZENSICAL`` naming nothing runnable is reported with its value."""
    proc = portal("build", REPO, "--engine", "zensical", "--site-dir", tmp_path / "site", today=today, PORTAL_ZENSICAL="/nowhere/zensical")
    assert (proc.returncode, proc.stderr) == (1, "Error: PORTAL_ZENSICAL=/nowhere/zensical: no such executable: point it at the 'zensical' command\n")

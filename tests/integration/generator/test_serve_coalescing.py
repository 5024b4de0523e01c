"""``portal serve``'s watcher: quick saves are published alone; whole-site builds run in a child process, once the
sources are quiet (or at once for a nav change), are dropped when an edit comes during them, and never hold up a save."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pytest

from generator import serve
from generator.build import build
from generator.live_reload import BuildId

ARTICLE = "content/articles/getting-started.md"
PAGE = "site/articles/getting-started/index.html"
NAV_PAGE = "site/roles/operator/index.html"


def watching(portal: Path, live: BuildId | None = None) -> serve._Watcher:
    """The watcher of a portal that ``portal serve`` has just built."""
    build(portal)
    return serve._Watcher(portal, [portal / "content"], [portal / "mkdocs.yml"], portal / "site", live or BuildId())


def step_until(watcher: serve._Watcher, condition: Callable[[], bool], timeout: float = 120) -> None:
    """Let the watcher look again and again (as its loop does) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(serve.POLL_SECONDS)
        watcher.step()


def renamed(source: Path, title: str) -> None:
    """Give an article another title (a nav change)."""
    text = source.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(old, f"title: {title}"), encoding="utf-8")


def test_quick_saves_publish_pages_and_one_whole_site_build_follows_once_quiet(tmp_portal: Path, monkeypatch: pytest.MonkeyPatch,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Two saves in a row each update the page and move the build id on; the whole-site build runs once, after both."""
    live = BuildId()
    watcher = watching(tmp_portal, live)
    source, ids = tmp_portal / ARTICLE, [live.value]
    original = source.read_text(encoding="utf-8")
    for number in (1, 2):
        source.write_text(original + f"\nSave number {number}.\n", encoding="utf-8")
        watcher.step()
        assert f"Save number {number}." in (tmp_portal / PAGE).read_text(encoding="utf-8")
        ids.append(live.value)
    watcher.step()  # no change, and not quiet for long enough yet
    assert watcher.job is None and len(set(ids)) == 3
    monkeypatch.setattr(serve, "QUIET_SECONDS", 0.0)
    watcher.step()
    assert watcher.job is not None
    step_until(watcher, lambda: watcher.job is None)
    assert live.value != ids[-1]
    assert capsys.readouterr().err.count("portal serve: site rebuilt in") == 1
    assert "Save number 2." in (tmp_portal / PAGE).read_text(encoding="utf-8")
    assert not list(tmp_portal.glob("site.*")), "no build folder is left beside the site"


def test_a_nav_change_rebuilds_the_whole_site_at_once_in_the_background(tmp_portal: Path) -> None:
    """A renamed article changes the nav: no quick update can take it, so a whole-site build starts on that look."""
    live = BuildId()
    watcher = watching(tmp_portal, live)
    renamed(tmp_portal / ARTICLE, "A renamed article")
    watcher.step()
    assert watcher.job is not None, "the build runs beside the watcher, which goes on looking"
    step_until(watcher, lambda: watcher.job is None)
    assert "A renamed article" in (tmp_portal / NAV_PAGE).read_text(encoding="utf-8")


def test_a_save_during_a_whole_site_build_is_published_at_once_and_the_stale_build_dropped(tmp_portal: Path) -> None:
    """A body edit while a nav change is being built: that build (of older sources) is dropped, the next one has both."""
    watcher = watching(tmp_portal)
    source = tmp_portal / ARTICLE
    renamed(source, "A renamed article")
    watcher.step()
    first = watcher.job
    assert first is not None
    source.write_text(source.read_text(encoding="utf-8") + "\nSaved during the build.\n", encoding="utf-8")
    watcher.step()
    assert first.process.poll() is not None and not first.folder.exists(), "the stale build was stopped and removed"
    step_until(watcher, lambda: watcher.job is None)
    page = (tmp_portal / PAGE).read_text(encoding="utf-8")
    assert "Saved during the build." in page and "A renamed article" in page


def test_a_broken_source_keeps_the_site_and_the_fix_after_it_is_published(tmp_portal: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Broken front matter: the located error is printed, every page stays; the fixing save shows at once."""
    watcher = watching(tmp_portal)
    source = tmp_portal / ARTICLE
    good, before = source.read_text(encoding="utf-8"), (tmp_portal / PAGE).read_bytes()
    source.write_text(good.replace("kind: guide", "kind: [guide"), encoding="utf-8")
    watcher.step()
    assert watcher.job is None, "the errors were printed at once; a whole-site build would stop at them too"
    assert (tmp_portal / PAGE).read_bytes() == before
    err = capfd.readouterr().err
    assert "portal serve: the site was not updated; the previous site is unchanged\ncontent/articles/getting-started.md:" in err
    assert "portal serve: 1 error, 0 warnings" in err and "Traceback" not in err
    source.write_text(good + "\nThe fix.\n", encoding="utf-8")
    watcher.step()
    assert watcher.job is None, "the fix was published as a quick update"
    assert "The fix." in (tmp_portal / PAGE).read_text(encoding="utf-8")


def test_a_whole_site_build_that_dies_is_printed_and_the_next_edit_still_built(tmp_portal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A build child that dies (here killed) leaves the site as it was; the watcher says so and builds the next change."""
    watcher = watching(tmp_portal)
    source = tmp_portal / ARTICLE
    renamed(source, "A renamed article")
    watcher.step()
    assert watcher.job is not None
    watcher.job.process.kill()
    step_until(watcher, lambda: watcher.job is None)
    assert "A renamed article" not in (tmp_portal / NAV_PAGE).read_text(encoding="utf-8")
    assert "the rebuild failed (stopped by signal 9); the previous site stays up" in capsys.readouterr().err
    renamed(source, "Renamed again")
    watcher.step()
    step_until(watcher, lambda: watcher.job is None)
    assert "Renamed again" in (tmp_portal / NAV_PAGE).read_text(encoding="utf-8")

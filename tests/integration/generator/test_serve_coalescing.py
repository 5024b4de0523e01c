"""``portal serve``'s watcher: quick saves are published alone; the whole-site build waits until the sources are quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import serve
from generator.build import build
from generator.live_reload import BuildId

ARTICLE = "content/articles/getting-started.md"
PAGE = "site/articles/getting-started/index.html"


def test_quick_saves_publish_pages_and_one_whole_site_build_follows_once_quiet(tmp_portal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two saves in a row each update the page and move the build id on; the whole-site build runs once, after both."""
    build(tmp_portal)
    rebuilds: list[Path] = []
    monkeypatch.setattr(serve, "rebuild", lambda root: rebuilds.append(root) or True)
    live = BuildId()
    watcher = serve._Watcher(tmp_portal, [tmp_portal / "content"], [tmp_portal / "mkdocs.yml"], tmp_portal / "site", live)
    source, ids = tmp_portal / ARTICLE, [live.value]
    original = source.read_text(encoding="utf-8")
    for number in (1, 2):
        source.write_text(original + f"\nSave number {number}.\n", encoding="utf-8")
        watcher.step()
        assert f"Save number {number}." in (tmp_portal / PAGE).read_text(encoding="utf-8")
        ids.append(live.value)
    watcher.step()  # no change, and not quiet for long enough yet
    assert rebuilds == [] and len(set(ids)) == 3
    monkeypatch.setattr(serve, "QUIET_SECONDS", 0.0)
    watcher.step()
    watcher.step()
    assert rebuilds == [tmp_portal]
    assert live.value != ids[-1]


def test_a_nav_change_rebuilds_the_whole_site_at_once(tmp_portal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A renamed article changes the nav: no quick update can take it, so the whole site is rebuilt on that look."""
    build(tmp_portal)
    rebuilds: list[Path] = []
    monkeypatch.setattr(serve, "rebuild", lambda root: rebuilds.append(root) or True)
    watcher = serve._Watcher(tmp_portal, [tmp_portal / "content"], [tmp_portal / "mkdocs.yml"], tmp_portal / "site", BuildId())
    source = tmp_portal / ARTICLE
    text = source.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(title, "title: A renamed article"), encoding="utf-8")
    watcher.step()
    assert rebuilds == [tmp_portal]

"""``portal serve``'s quick page updates: the changed pages alone, exactly as a full build renders them."""

from __future__ import annotations

from pathlib import Path

from generator import partial_rebuild as quick
from generator.build import build
from generator.pipeline import Result

ARTICLE = "content/articles/getting-started.md"
PAGE = "articles/getting-started/index.html"


def serving(portal: Path) -> tuple[Path, Result | None]:
    """Build the portal as ``portal serve`` starts, and take the first look at its sources; the site and that look."""
    build(portal)
    site = portal / "site"
    shown, _ = quick.update(portal, None, site)
    return site, shown


def test_changed_article_is_published_exactly_as_a_full_build_renders_it(tmp_portal: Path, tmp_path: Path) -> None:
    """An edited article body updates its page alone, byte for byte what a whole-site build writes."""
    site, shown = serving(tmp_portal)
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8") + "\nA paragraph added while serving.\n", encoding="utf-8")
    _, published = quick.update(tmp_portal, shown, site)
    assert published
    assert "A paragraph added while serving." in (site / PAGE).read_text(encoding="utf-8")
    build(tmp_portal, site_dir=tmp_path / "full")
    assert (site / PAGE).read_bytes() == (tmp_path / "full" / PAGE).read_bytes()


def test_nav_change_is_left_to_the_whole_site_build(tmp_portal: Path) -> None:
    """A changed article title changes the nav, so no page is published on its own."""
    site, shown = serving(tmp_portal)
    before = (site / PAGE).read_bytes()
    source = tmp_portal / ARTICLE
    text = source.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(title, "title: A renamed article"), encoding="utf-8")
    result, published = quick.update(tmp_portal, shown, site)
    assert result is not None and not published
    assert (site / PAGE).read_bytes() == before


def test_sources_with_errors_publish_nothing(tmp_portal: Path) -> None:
    """A source with errors returns no result and leaves every page as it was."""
    site, shown = serving(tmp_portal)
    before = (site / PAGE).read_bytes()
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8").replace("id: ", "id: Not An Id ", 1), encoding="utf-8")
    assert quick.update(tmp_portal, shown, site) == (None, False)
    assert (site / PAGE).read_bytes() == before

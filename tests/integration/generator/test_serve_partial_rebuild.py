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
    """A source with errors publishes nothing and leaves every page as it was; the result carries the errors."""
    site, shown = serving(tmp_portal)
    before = (site / PAGE).read_bytes()
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8").replace("id: ", "id: Not An Id ", 1), encoding="utf-8")
    result, published = quick.update(tmp_portal, shown, site)
    assert not published and result is not None and result.problems.errors
    assert (site / PAGE).read_bytes() == before


def test_body_edit_of_the_named_file_is_rendered_alone_exactly_as_a_full_build(tmp_portal: Path, tmp_path: Path) -> None:
    """A body edit named as the changed file skips the core's run over every source; the page is still byte for byte a full build's."""
    site, shown = serving(tmp_portal)
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8") + "\nSee the [restart runbook](runbook:restart-service).\n", encoding="utf-8")
    result, published = quick.update(tmp_portal, shown, site, [source])
    assert published and result is not None
    assert result.portal.roles is shown.portal.roles, "the other sources were reused, not read again"
    build(tmp_portal, site_dir=tmp_path / "full")
    assert (site / PAGE).read_bytes() == (tmp_path / "full" / PAGE).read_bytes()


def test_body_edit_with_a_broken_link_publishes_nothing(tmp_portal: Path) -> None:
    """A link to an unknown runbook in an edited body is an error, as the whole core finds it: the page is kept."""
    site, shown = serving(tmp_portal)
    before = (site / PAGE).read_bytes()
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8") + "\nSee [this](runbook:no-such-runbook).\n", encoding="utf-8")
    result, published = quick.update(tmp_portal, shown, site, [source])
    assert not published and result is not None
    assert [p.message for p in result.problems.errors] == ["link to unknown runbook 'no-such-runbook'"]
    assert (site / PAGE).read_bytes() == before


def test_body_edit_that_changes_headings_is_checked_by_the_whole_core(tmp_portal: Path, tmp_path: Path) -> None:
    """A new heading could be what another page links to: the whole core runs, and the page is still right."""
    site, shown = serving(tmp_portal)
    source = tmp_portal / ARTICLE
    source.write_text(source.read_text(encoding="utf-8") + "\n## A new section\n\nIts text.\n", encoding="utf-8")
    result, published = quick.update(tmp_portal, shown, site, [source])
    assert published and result is not None
    assert result.portal.roles is not shown.portal.roles
    build(tmp_portal, site_dir=tmp_path / "full")
    assert (site / PAGE).read_bytes() == (tmp_path / "full" / PAGE).read_bytes()


def test_new_and_deleted_articles_are_left_to_the_whole_site_build(tmp_portal: Path) -> None:
    """A new article and a deleted one change the set of pages (and the nav): nothing is published alone."""
    site, shown = serving(tmp_portal)
    source = tmp_portal / ARTICLE
    added = tmp_portal / "content/articles/second.md"
    added.write_text(source.read_text(encoding="utf-8").replace("id: getting-started", "id: second"), encoding="utf-8")
    assert quick.update(tmp_portal, shown, site, [added])[1] is False
    added.unlink()
    source.unlink()
    assert quick.update(tmp_portal, shown, site, [source])[1] is False
    assert (site / PAGE).is_file(), "the page stays until the whole-site build replaces the site"


def test_an_edit_after_a_look_that_found_errors_runs_the_whole_core(tmp_portal: Path) -> None:
    """Compared with a result that has errors, a body edit may be the fix: the whole core decides, and the page is published."""
    site, _ = serving(tmp_portal)
    source = tmp_portal / ARTICLE
    good = source.read_text(encoding="utf-8")
    source.write_text(good + "\nSee [this](runbook:no-such-runbook).\n", encoding="utf-8")
    broken, _ = quick.update(tmp_portal, None, site)
    assert broken is not None and broken.problems.errors
    source.write_text(good + "\nFixed.\n", encoding="utf-8")
    result, published = quick.update(tmp_portal, broken, site, [source])
    assert published and result is not None and not result.problems.errors
    assert "Fixed." in (site / PAGE).read_text(encoding="utf-8")

"""Large sites: with ``navigation.prune`` a page carries only its part of the nav, not every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

MakePortal = Callable[..., Path]  # the make_portal fixture
RunPortal = Callable[..., Result]  # the run_portal fixture

KINDS = ("guide", "how-to", "faq", "troubleshooting", "reference", "concept")
ARTICLES = 60


def nav_links(page: Path) -> list[str]:
    """The hrefs of the navigation links (``md-nav__link``) on a built page."""
    markup = page.read_text(encoding="utf-8")
    return re.findall(r'<a href="([^"]*)" class="md-nav__link[^"]*"', markup) + re.findall(
        r'<a class="md-nav__link[^"]*" href="([^"]*)"', markup
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, make_portal: MakePortal, run_portal: RunPortal) -> Path:
    """The scaffold plus 60 articles spread over the six kinds, built once."""
    root = make_portal(tmp_path_factory.mktemp("large") / "portal")
    for i in range(ARTICLES):
        (root / "content/articles" / f"note-{i:02d}.md").write_text(
            f"---\nid: note-{i:02d}\ntitle: Note {i:02d}\nkind: {KINDS[i % len(KINDS)]}\n"
            f"owner: Docs team\nreviewed: 2026-11-01\n---\n\nBody of note {i:02d}.\n",
            encoding="utf-8",
        )
    result = run_portal("build", root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_no_page_carries_the_whole_nav(site: Path) -> None:
    """Every page has fewer nav links than half the pages of the site."""
    pages = list(site.rglob("index.html"))
    assert len(pages) > ARTICLES
    counts = {p.relative_to(site).as_posix(): len(nav_links(p)) for p in pages}
    assert max(counts.values()) < len(pages) // 2, counts


def test_article_page_lists_only_its_own_groups_articles(site: Path) -> None:
    """A long KB folder is split into alphabetical nav groups; an article's nav lists its own group and one link per other group."""
    # 61 articles (the scaffold's "Getting started" sorts first) make three groups of at most 21.
    hrefs = nav_links(site / "articles/note-00/index.html")
    notes = {int(m) for h in hrefs for m in re.findall(r"note-(\d\d)/", h)} | {0}  # the page itself
    assert notes == set(range(0, 20)) | {20, 41}
    later = nav_links(site / "articles/note-59/index.html")
    assert {int(m) for h in later for m in re.findall(r"note-(\d\d)/", h)} | {59} == set(range(41, 60)) | {20}

"""Internal links: heading anchors, id links rewritten to relative paths, page URLs."""

from __future__ import annotations

import re

import markdown
import pytest

from generator.links import Link, anchors, iter_links, page_path, page_url, relative, rewrite_id_links

ARTICLE_PATHS = {"starting-a-line": "articles/operations/starting-a-line.md", "faq": "articles/faq.md"}


def toc_ids(text: str) -> set[str]:
    """The heading ids Python-Markdown itself gives (the extensions the portal always enables)."""
    html = markdown.markdown(text, extensions=["toc", "attr_list", "md_in_html", "pymdownx.superfences"])
    return set(re.findall(r'<h\d[^>]*\bid="([^"]+)"', html))


class TestAnchors:
    def test_headings_are_slugged_like_python_markdown_toc(self) -> None:
        """Punctuation goes, spaces become hyphens, case folds, code and emphasis marks vanish."""
        text = "# Stop a line\n\n## What's next?\n\n### `GET /lines/{id}` and *more*\n"
        assert anchors(text) == {"stop-a-line", "whats-next", "get-linesid-and-more"}
        assert anchors(text) == toc_ids(text)

    def test_duplicate_headings_get_numbered_suffixes(self) -> None:
        """A heading repeated on a page gets ``_1``, ``_2`` as Python-Markdown does."""
        text = "## Steps\n\n## Steps\n\n## Steps\n"
        assert anchors(text) == {"steps", "steps_1", "steps_2"} == toc_ids(text)

    def test_headings_in_fenced_code_are_ignored(self) -> None:
        """A ``# comment`` inside a fenced code block is not a heading."""
        text = "## Restart\n\n```bash\n# stop the service\nsystemctl stop x\n```\n\n~~~\n## not a heading\n~~~\n"
        assert anchors(text) == {"restart"} == toc_ids(text)

    def test_explicit_attr_list_id_wins(self) -> None:
        """``{ #step-1 }`` sets the id instead of the slug."""
        text = "### Step 1: Restart the service { #step-1 }\n"
        assert anchors(text) == {"step-1"} == toc_ids(text)

    def test_html_ids_count_as_anchors(self) -> None:
        """An ``id="..."`` on inline HTML is a link target too."""
        assert "auth-bearer" in anchors('| <span id="auth-bearer">bearer</span> | http |\n')

    def test_closing_hashes_are_not_part_of_the_title(self) -> None:
        """``## Rollback ##`` is the heading 'Rollback'."""
        assert anchors("## Rollback ##\n") == {"rollback"}


class TestIterLinks:
    def test_links_carry_their_line_and_column(self) -> None:
        """Each link's target is found with the 1-based line and column where the target starts."""
        text = "Intro.\n\nSee [the runbook](runbook:line-stop#step-2) and [FAQ](../faq.md).\n"
        assert list(iter_links(text)) == [Link("runbook:line-stop#step-2", 3, 19), Link("../faq.md", 3, 55)]

    def test_links_in_fenced_code_are_ignored(self) -> None:
        """A link written inside a code block is an example, not a link."""
        assert list(iter_links("```md\n[x](article:nope)\n```\n")) == []


class TestRewriteIdLinks:
    def test_article_link_becomes_relative_md_path(self) -> None:
        """``article:ID`` turns into the path of the article's page relative to the current page."""
        text = "Read [how](article:starting-a-line) first."
        assert rewrite_id_links(text, "articles/faq.md", ARTICLE_PATHS) == "Read [how](operations/starting-a-line.md) first."

    def test_runbook_link_keeps_its_anchor(self) -> None:
        """``runbook:ID#step-2`` keeps the anchor after the rewritten path."""
        text = "[step 2](runbook:line-stop#step-2)"
        assert rewrite_id_links(text, "articles/operations/starting-a-line.md", ARTICLE_PATHS) == "[step 2](../../runbooks/line-stop.md#step-2)"

    @pytest.mark.parametrize(
        ("here", "link", "expected"),
        [
            ("index.md", "role:production-operator", "roles/production-operator.md"),
            ("roles/production-operator.md", "assessment:operator-basics", "../assessments/operator-basics.md"),
            ("runbooks/line-stop.md", "article:faq", "../articles/faq.md"),
            ("roles/index.md", "role:developer", "developer.md"),
        ],
    )
    def test_every_kind_is_rewritten_relative_to_the_page(self, here: str, link: str, expected: str) -> None:
        """Role, assessment, runbook and article links resolve from any page depth."""
        assert rewrite_id_links(f"[x]({link})", here, ARTICLE_PATHS) == f"[x]({expected})"

    def test_unknown_article_id_is_left_for_the_checker(self) -> None:
        """An id that names no article stays as written (the checker reports it)."""
        assert rewrite_id_links("[x](article:nope)", "index.md", ARTICLE_PATHS) == "[x](article:nope)"

    def test_ordinary_links_are_untouched(self) -> None:
        """URLs and relative paths are not id links."""
        text = "[a](https://example.com/x) [b](../faq.md#top) [c](mailto:ops@example.com)"
        assert rewrite_id_links(text, "articles/x.md", ARTICLE_PATHS) == text


class TestPaths:
    @pytest.mark.parametrize(
        ("src", "url"),
        [
            ("index.md", ""),
            ("roles/index.md", "roles/"),
            ("roles/operator.md", "roles/operator/"),
            ("articles/ops/reindex.md", "articles/ops/reindex/"),
            ("api/rest/line-control/index.md", "api/rest/line-control/"),
        ],
    )
    def test_page_url_with_directory_urls(self, src: str, url: str) -> None:
        """Pages map to MkDocs' directory URLs; index pages to their folder."""
        assert page_url(src) == url

    @pytest.mark.parametrize(
        ("src", "url"),
        [("index.md", "index.html"), ("roles/index.md", "roles/index.html"), ("roles/operator.md", "roles/operator.html")],
    )
    def test_page_url_without_directory_urls(self, src: str, url: str) -> None:
        """With ``use_directory_urls: false`` every page is an .html file."""
        assert page_url(src, directory_urls=False) == url

    def test_page_path_of_each_kind(self) -> None:
        """Runbooks, roles and assessments have fixed folders; articles live where their file is."""
        assert page_path("runbook", "line-stop", ARTICLE_PATHS) == "runbooks/line-stop.md"
        assert page_path("role", "developer", ARTICLE_PATHS) == "roles/developer.md"
        assert page_path("assessment", "basics", ARTICLE_PATHS) == "assessments/basics.md"
        assert page_path("article", "faq", ARTICLE_PATHS) == "articles/faq.md"
        assert page_path("article", "missing", ARTICLE_PATHS) is None

    def test_relative_between_pages(self) -> None:
        """relative() walks up from the page's folder to the target."""
        assert relative("roles/operator.md", "index.md") == "roles/operator.md"
        assert relative("kb/index.md", "articles/ops/x.md") == "../../kb/index.md"

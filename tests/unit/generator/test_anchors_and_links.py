"""Anchors, id links inside code and text, and the help link's URL, at the unit level."""

from __future__ import annotations

import re

import markdown

from generator.links import anchors, rewrite_id_links
from generator.models import PortalSettings
from generator.render import Page, help_block, make_env


def toc_ids(text: str) -> set[str]:
    """The heading ids Python-Markdown gives with the extensions the portal always enables."""
    html = markdown.markdown(text, extensions=["toc", "attr_list", "md_in_html", "pymdownx.superfences"])
    return set(re.findall(r'<h\d[^>]*\bid="([^"]+)"', html))


def test_attr_list_without_id_does_not_change_the_anchor() -> None:
    """``## Install { .note }`` has the anchor 'install', as attr_list + toc give it (not 'install-note')."""
    text = "## Install { .note }\n"
    assert toc_ids(text) == {"install"}
    assert anchors(text) == {"install"}


def test_setext_headings_have_anchors() -> None:
    """A heading underlined with ``----`` gets an id like any other, so links to it are not reported broken."""
    text = "Shift handover\n--------------\n\nText.\n"
    assert toc_ids(text) == {"shift-handover"}
    assert anchors(text) == {"shift-handover"}


def test_id_links_inside_fenced_code_are_left_as_written() -> None:
    """An id link shown as an example in a code block stays literal (the checker ignores it too)."""
    text = "Link like this:\n\n```md\n[restart](runbook:restart-service#step-1)\n```\n"
    assert rewrite_id_links(text, "articles/x.md", {}) == text


def test_root_support_url_gives_a_site_relative_help_link() -> None:
    """With ``support_url: /`` the help link is ``/tickets/new?...``, not the host-relative ``//tickets/new``."""
    support = PortalSettings(support_url="/").support_url
    block = help_block(make_env(), support, Page("kb/index.md", "Knowledge base", "", "kb"), "kb/")
    href = re.search(r"\]\(([^)]*)\)", block)
    assert href and href.group(1).startswith("/tickets/new?"), href

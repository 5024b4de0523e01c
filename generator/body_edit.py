"""The core's result after edits to articles' Markdown bodies alone, without running it over every source.

An article's page depends on its own body, its front matter and the rest of the portal (titles,
paths, roles). When a save changes only the body, the front matter and every other source are as
they were, so the previous result stays right for everything but that page: it is rendered alone,
its links are checked against the pages as they now are, and the rest is reused. On a 1,000-page
portal that is a few milliseconds instead of the core's second over all sources. Anything else
(front matter, a new or deleted file, headings that other pages may link to) returns None: the
caller runs the whole core.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .errors import Problems
from .links import anchors, iter_links, page_url
from .load import Source, rel
from .models import ArticleMeta, PortalSettings
from .pipeline import Result, today
from .render import Renderer, help_block
from .sources import FRONT_MATTER, read_markdown_file, validate
from .validate import _Anchors, _link_problem


def apply(shown: Result, files: list[Path], settings: PortalSettings, site_name: str, directory_urls: bool) -> Result | None:
    """``shown`` with the articles in ``files`` re-read and their pages rendered again, or None (run the whole core).

    The result's problems are ``shown``'s plus those found in the new bodies: a broken link in an
    edited body is an error, as the whole core would report it.
    """
    if shown.problems.errors:  # they may be fixed by this very edit: only the whole core can tell
        return None
    portal, root = shown.portal, shown.portal.root
    by_path = {source.path: ident for ident, source in portal.articles.items()}
    problems = Problems()
    edited: dict[str, Source[ArticleMeta]] = {}
    for file in files:
        ident = by_path.get(rel(root, file.resolve()))
        if ident is None or not file.is_file():
            return None
        old = portal.articles[ident]
        doc = read_markdown_file(file, old.path, problems)
        if doc is None or _front(doc.text) != _front(old.doc.text):
            return None
        meta = validate(ArticleMeta, doc, problems)
        if meta is None:
            return None
        edited[ident] = Source(meta, doc)
    portal = dataclasses.replace(portal, articles={**portal.articles, **edited})
    renderer = Renderer(portal, today(), site_name, {}, directory_urls)
    rendered = dataclasses.replace(shown.rendered, pages=dict(shown.rendered.pages))
    for ident, source in edited.items():
        here = portal.article_paths[ident]
        renderer._article(source.model)
        page = renderer.out.pages[here]
        if anchors(page.markdown) != anchors(shown.rendered.pages[here].markdown):
            return None  # another page may link to a heading that went: the whole core checks every link
        page.markdown = page.markdown.rstrip("\n") + help_block(renderer.env, settings.support_url, page, page_url(here, directory_urls))
        rendered.pages[here] = page
    page_anchors = _Anchors(rendered)
    for ident, source in edited.items():
        for link in iter_links(source.doc.body):
            message = _link_problem(portal, page_anchors, portal.article_paths[ident], link.target)
            if message:
                problems.add(source.path, source.doc.body_line + link.line - 1, link.col, message)
    merged = Problems()
    merged.extend([*shown.problems.items, *problems.items])
    return Result(portal, merged, rendered, shown.exports)


def _front(text: str) -> str | None:
    match = FRONT_MATTER.match(text)
    return match.group(0) if match else None

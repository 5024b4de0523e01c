"""Cross-reference, link and freshness checks over loaded sources.

Schema problems are found while loading; what is checked here needs the whole portal: ids that
name other sources, internal links and their anchors, and content past its review date.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Mapping
from typing import Any, Iterator

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import Problems, did_you_mean
from .links import ID_KINDS, anchors, iter_links, page_path
from .load import Portal, Source
from .owners import unknown_owner
from .render import Rendered
from .sources import loc_label


def _table(portal: Portal, kind: str) -> dict[str, Source[Any]]:
    return {"article": portal.articles, "runbook": portal.runbooks, "role": portal.roles, "assessment": portal.quizzes}[kind]


def check_references(portal: Portal, problems: Problems) -> None:
    """Report ids that name no role, article, runbook or assessment, with a did-you-mean."""
    for source in portal.roles.values():
        for i, task in enumerate(source.model.tasks):
            _refs(portal, source, "article", task.articles, ("tasks", i, "articles"), problems)
            _refs(portal, source, "runbook", task.runbooks, ("tasks", i, "runbooks"), problems)
        for i, step in enumerate(source.model.learning_path):
            _ref(portal, source, step.kind, step.ref, ("learning_path", i, step.kind), problems)
    for source in portal.articles.values():
        _refs(portal, source, "role", source.model.roles, ("roles",), problems)
    for source in portal.runbooks.values():
        _refs(portal, source, "role", source.model.roles, ("roles",), problems)
        _refs(portal, source, "article", source.model.related_articles, ("related_articles",), problems)
    if portal.glossary is not None:
        for i, term in enumerate(portal.glossary.model.terms):
            _refs(portal, portal.glossary, "article", term.articles, ("terms", i, "articles"), problems)
            _refs(portal, portal.glossary, "runbook", term.runbooks, ("terms", i, "runbooks"), problems)
    if portal.quizzes:
        from .quizzes import quiz_references

        for source in portal.quizzes.values():
            for loc, kind, ident in quiz_references(source.model):
                _ref(portal, source, kind, ident, tuple(loc), problems)


def _refs(portal: Portal, source: Source[Any], kind: str, ids: list[str], loc: tuple[Any, ...], problems: Problems) -> None:
    for i, ident in enumerate(ids):
        _ref(portal, source, kind, ident, loc + (i,), problems)


def _ref(portal: Portal, source: Source[Any], kind: str, ident: str, loc: tuple[Any, ...], problems: Problems) -> None:
    table = _table(portal, kind)
    if ident not in table and not portal.left_out(kind, ident):
        line, col = source.where(*loc)
        label = "assessment (quiz)" if kind == "assessment" else kind
        problems.add(source.path, line, col, f"{loc_label(loc)}: unknown {label} '{ident}'{did_you_mean(ident, table)}")


def check_owners(portal: Portal, problems: Problems) -> None:
    """With an ``owners.yml``, each owner an article or runbook names must be in it (an error at the page's ``owner``)."""
    if portal.owners is None:
        return
    for table in (portal.articles, portal.runbooks):
        for source in table.values():
            message = unknown_owner(portal.owners, source.model.owner)
            if message:
                line, col = source.where("owner")
                problems.add(source.path, line, col, message)


def check_reviews(portal: Portal, today: dt.date, problems: Problems) -> None:
    """Warn about articles and runbooks past their review date."""
    policy = portal.settings.review
    for source in portal.articles.values():
        meta = source.model
        due = meta.reviewed + dt.timedelta(days=meta.review_interval_days or policy.article_interval_days)
        if due < today:
            line, col = source.where("reviewed")
            problems.add(source.path, line, col, f"review overdue since {due.isoformat()} (reviewed {meta.reviewed.isoformat()}): check the article, then update 'reviewed'", "warning")
    for source in portal.runbooks.values():
        rb = source.model
        if rb.next_review < today:
            line, col = source.where("last_reviewed")
            problems.add(source.path, line, col, f"review overdue since {rb.next_review.isoformat()} (last reviewed {rb.last_reviewed.isoformat()}, every {rb.review_interval_days} days): walk through the runbook, then update 'last_reviewed'", "warning")


def check_links(portal: Portal, rendered: Rendered, problems: Problems) -> None:
    """Report internal links (id links and relative ``.md`` paths) to missing pages or anchors."""
    page_anchors = _Anchors(rendered)
    for ident, source in portal.articles.items():
        here = portal.article_paths[ident]
        for link in iter_links(source.doc.body):
            message = _link_problem(portal, page_anchors, here, link.target)
            if message:
                problems.add(source.path, source.doc.body_line + link.line - 1, link.col, message)
    if portal.quizzes:
        from .quizzes import quiz_sections

        for source in portal.quizzes.values():
            for loc, kind, ident, anchor in quiz_sections(source.model):
                message = _link_problem(portal, page_anchors, "assessments/x.md", f"{kind}:{ident}#{anchor}")
                if message and "unknown" not in message:  # unknown ids are reported by check_references
                    line, col = source.where(*loc)
                    problems.add(source.path, line, col, message)
    yaml_sources = [*portal.roles.values(), *portal.runbooks.values(), *([portal.glossary] if portal.glossary else [])]
    for source in yaml_sources:
        for loc, text in _strings(source.doc.data, ()):
            for link in iter_links(text):
                message = _link_problem(portal, page_anchors, "runbooks/x.md", link.target)
                if message:
                    line, col = source.where(*loc)
                    problems.add(source.path, line, col, message)


class _Anchors(Mapping[str, set[str]]):
    """Page path -> heading anchors, worked out for a page only when a link needs them."""

    def __init__(self, rendered: Rendered):
        self._pages = rendered.pages
        self._found: dict[str, set[str]] = {}

    def __getitem__(self, path: str) -> set[str]:
        if path not in self._found:
            self._found[path] = anchors(self._pages[path].markdown)
        return self._found[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, path: object) -> bool:
        return path in self._pages


def _link_problem(portal: Portal, page_anchors: Mapping[str, set[str]], here: str, target: str) -> str | None:
    kind, sep, rest = target.partition(":")
    if sep and kind in ID_KINDS:
        ident, _, anchor = rest.partition("#")
        table = _table(portal, kind)
        if ident not in table and portal.left_out(kind, ident):
            return None
        if ident not in table:
            return f"link to unknown {kind} '{ident}'{did_you_mean(ident, table)}"
        path = page_path(kind, ident, portal.article_paths)
        return _anchor_problem(page_anchors, path, anchor, target)
    if sep or target.startswith(("//", "mailto:", "/")):
        return None
    path, _, anchor = target.partition("#")
    if not path:
        return _anchor_problem(page_anchors, here, anchor, target)
    if not path.endswith(".md"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
    if resolved in portal.left_out_pages:
        return None
    if resolved not in page_anchors:
        return f"broken link '{target}': no page {resolved}{did_you_mean(resolved, page_anchors)}; link by id instead, e.g. (article:some-id)"
    return _anchor_problem(page_anchors, resolved, anchor, target)


def _anchor_problem(page_anchors: Mapping[str, set[str]], path: str | None, anchor: str, target: str) -> str | None:
    if not anchor or path is None or path not in page_anchors:
        return None
    if anchor not in page_anchors[path]:
        return f"broken anchor in '{target}': {path} has no heading '#{anchor}'{did_you_mean(anchor, page_anchors[path])}"
    return None


def _strings(node: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            yield from _strings(value, loc + (key,))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            yield from _strings(value, loc + (i,))
    elif isinstance(node, str) and "](" in node:
        yield loc, node


def check_collisions(portal: Portal, rendered: Rendered, problems: Problems) -> None:
    """Report sources whose page path is also another page's (e.g. an article at ``roles/x.md``)."""
    for first, second in rendered.collisions:
        culprit = next((p for p in (first, second) if p.page_id in portal.articles), None) or (second if second.source else first)
        if culprit.source:
            other = first if culprit is second else second
            fix = "move this article to another folder (e.g. articles/)" if culprit.page_id in portal.articles else "give it another id"
            problems.add(culprit.source, 1, 1, f"the page {culprit.path} is also the page of {other.title!r}: {fix}")

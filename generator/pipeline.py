"""The engine-neutral core: load -> validate -> render, producing pages, a nav and exports.

``generate`` is what both ``portal check``/``portal build`` and the MkDocs plugin run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import validate
from .errors import Problems
from .glossary import EXPORT_GLOSSARY, GLOSSARY_PAGE, check_glossary, glossary_export, search_keywords
from .links import page_url
from .load import Portal, load_portal
from .models import PortalSettings
from .asyncapi_pages import event_reference
from .mentions import check_mentions
from .videos import check_videos, transcripts
from .openapi import load_spec
from .openapi_pages import operation_count, spec_pages
from .pyapi import python_pages
from .render import Rendered, Renderer, add_help_links

EXPORT_KB = "_portal/kb.json"


@dataclass
class Result:
    """What one run of the core produced."""

    portal: Portal
    problems: Problems
    rendered: Rendered = field(default_factory=Rendered)
    exports: dict[str, str] = field(default_factory=dict)


def today() -> dt.date:
    """Today's date, or ``PORTAL_TODAY`` (YYYY-MM-DD) when set, so builds can be reproduced."""
    value = os.environ.get("PORTAL_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def generate(root: Path, settings: PortalSettings, site_name: str, directory_urls: bool = True, on: dt.date | None = None,
             mentions: bool = True) -> Result:
    """Load, validate and render a portal; problems are collected, never raised (``mentions``: warn of plain-text mentions)."""
    problems = Problems()
    portal = load_portal(root, settings, problems)
    result = Result(portal, problems)
    renderer = Renderer(portal, on or today(), site_name, _quiz_rules(portal), directory_urls)
    rendered = renderer.render_all()
    api_nav = _api_pages(portal, renderer, problems)
    rendered.nav = _nav(portal, rendered, api_nav, renderer.quiz_rules)
    validate.check_references(portal, problems)
    validate.check_collisions(portal, rendered, problems)
    validate.check_links(portal, rendered, problems)
    check_glossary(portal, problems)
    validate.check_reviews(portal, on or today(), problems)
    validate.check_owners(portal, problems)
    if mentions:
        check_mentions(portal, problems)
    check_videos(portal, problems)
    add_help_links(rendered, renderer.env, settings.support_url, directory_urls)
    result.rendered = rendered
    result.exports[EXPORT_KB] = _kb_export(portal, rendered, site_name, directory_urls)
    result.exports[EXPORT_GLOSSARY] = glossary_export(portal, directory_urls)
    return result


def _quiz_rules(portal: Portal) -> dict[str, dict[str, Any]]:
    if not portal.quizzes:
        return {}
    from .quizzes import public_rules

    return {ident: public_rules(source.model) for ident, source in sorted(portal.quizzes.items())}


def _api_pages(portal: Portal, renderer: Renderer, problems: Problems) -> list[Any]:
    settings = portal.settings
    rendered = renderer.out
    specs, rest_nav = [], []
    for config in settings.openapi:
        api = load_spec(portal.root, config, problems)
        if api is None:
            continue
        pages = spec_pages(api)
        for page in pages:
            rendered.add(page)
        specs.append({"title": api.title, "version": api.spec["info"]["version"], "index": pages[0].path, "operation_count": operation_count(api), "kind": "rest"})
        rest_nav.append({api.title: [p.path for p in pages[:1]] + [{p.title: p.path} for p in pages[1:]]})
    events_nav = event_reference(portal, rendered, specs, problems)
    packages = python_pages(portal.root, settings.python_packages, settings.python_paths, problems)
    py_nav = []
    for package, modules in packages.items():
        for _, page in modules:
            rendered.add(page)
        py_nav.append({package: [{name: page.path} for name, page in modules]})
    if not specs and not packages:
        return []
    rendered.add(renderer.api_index(specs, [(p, [(n, pg.path) for n, pg in m]) for p, m in packages.items()]))
    nav: list[Any] = ["reference/index.md"]
    if rest_nav:
        nav.append({"REST": rest_nav})
    if events_nav:
        nav.append({"Events": events_nav})
    if py_nav:
        nav.append({"Python": py_nav})
    return nav


def _nav(portal: Portal, rendered: Rendered, api_nav: list[Any], quiz_rules: dict[str, Any]) -> list[Any]:
    roles = sorted(portal.roles.values(), key=lambda s: s.model.title)
    runbooks = sorted(portal.runbooks.values(), key=lambda s: s.model.title.lower())
    by_topic: dict[str, list[Any]] = {}
    for source in sorted(portal.articles.values(), key=lambda s: s.model.title.lower()):
        path = portal.article_paths[source.model.id]
        by_topic.setdefault(_topic(path), []).append({source.model.title: path})
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Roles": ["roles/index.md"] + [{s.model.title: f"roles/{s.model.id}.md"} for s in roles]},
        {"Knowledge base": ["kb/index.md"] + [{label: _chunked(items)} for label, items in sorted(by_topic.items())]},
        {"Runbooks": ["runbooks/index.md"] + _chunked([{s.model.title: f"runbooks/{s.model.id}.md"} for s in runbooks])},
    ]
    if portal.glossary is not None:
        nav.append({portal.glossary.model.title: GLOSSARY_PAGE})
    if "videos/index.md" in rendered.pages:
        nav.append({"Videos": "videos/index.md"})
    if quiz_rules:
        nav.append({"Assessments": ["assessments/index.md"] + [{r["title"]: f"assessments/{q}.md"} for q, r in quiz_rules.items()]})
    if api_nav:
        nav.append({"API reference": api_nav})
    return nav


NAV_GROUP = 25
NAV_FANOUT = 6
#: Groups of a section too long for ``NAV_FANOUT`` groups of ``NAV_GROUP``, which is gathered into ranges.
NAV_GROUP_IN_RANGES = 16


def _chunked(items: list[dict[str, str]]) -> list[Any]:
    """Split a long list of nav entries into alphabetical groups of at most ``NAV_GROUP``.

    With ``navigation.prune`` a page renders its own group's entries and the labels of the groups
    beside it. More than ``NAV_FANOUT`` groups are gathered again into about the square root as
    many ranges of groups, so a page of a folder of 550 articles shows 6 + 6 labels, not 22, and
    nav size per page stays nearly flat as the site grows.
    """
    if len(items) <= NAV_GROUP:
        return items
    spans = [(_first(entry), _first(entry), entry) for entry in items]
    if len(items) <= NAV_GROUP * NAV_FANOUT:
        return [entry for _, _, entry in _ranges(spans, -(-len(spans) // NAV_GROUP))]
    # a page shows its group's entries and ~2 sqrt(groups) labels, a label ~1.4x an entry's bytes: smaller
    # groups make the smallest page (at 1,100 entries 16 + 17 items, not 25 + 14: HTML per page, issue 20)
    groups = _ranges(spans, -(-len(spans) // NAV_GROUP_IN_RANGES))
    return [entry for _, _, entry in _ranges(groups, math.ceil(math.sqrt(len(groups))))]


def _ranges(spans: list[tuple[str, str, Any]], count: int) -> list[tuple[str, str, Any]]:
    """``spans`` (first label, last label, nav entry) cut into ``count`` even runs, each a labelled nav group."""
    size = -(-len(spans) // count)
    runs = [spans[i : i + size] for i in range(0, len(spans), size)]
    return [(run[0][0], run[-1][1], {f"{run[0][0]} – {run[-1][1]}": [entry for _, _, entry in run]}) for run in runs]


def _first(entry: dict[str, str]) -> str:
    return next(iter(entry))[:24]


def _topic(path: str) -> str:
    """The nav group of an article: its folder under ``articles/`` (``articles/quality/x.md`` -> Quality)."""
    parts = path.split("/")[:-1]
    if parts and parts[0] == "articles":
        parts = parts[1:]
    return " / ".join(p.replace("-", " ").replace("_", " ").capitalize() for p in parts) or "General"


def _article_due(portal: Portal, meta: Any) -> dt.date:
    return meta.reviewed + dt.timedelta(days=meta.review_interval_days or portal.settings.review.article_interval_days)


def _review_dates(portal: Portal, due: dt.date) -> dict[str, str]:
    """When a page's review is due, and from when it counts as due soon (the owners' weekly digest reads both)."""
    soon = due - dt.timedelta(days=portal.settings.review.warn_before_days)
    return {"review_due": due.isoformat(), "review_soon_from": soon.isoformat()}


def _kb_export(portal: Portal, rendered: Rendered, site_name: str, directory_urls: bool) -> str:
    """The articles and runbooks as JSON for the support backend's search index."""
    pages = []
    keywords = search_keywords(portal, directory_urls)
    for ident, source in portal.articles.items():
        meta = source.model
        url = page_url(portal.article_paths[ident], directory_urls)
        pages.append({
            "id": ident, "type": "article", "title": meta.title, "kind": meta.kind.value,
            "url": url, "roles": meta.roles, "tags": meta.tags, "keywords": keywords.get(url, []),
            "summary": meta.summary, "text": source.doc.body + transcripts(portal, meta.videos),
            "owner": meta.owner, "reviewed": meta.reviewed.isoformat(), **_review_dates(portal, _article_due(portal, meta)),
            "fingerprint": hashlib.sha256(source.doc.text.encode()).hexdigest(),
        })
    for ident, source in portal.runbooks.items():
        rb = source.model
        text = rendered.pages[f"runbooks/{ident}.md"].markdown
        url = page_url(f"runbooks/{ident}.md", directory_urls)
        pages.append({
            "id": ident, "type": "runbook", "title": rb.title, "kind": "runbook", "url": url, "roles": rb.roles,
            "tags": [rb.service.lower()], "keywords": keywords.get(url, []), "summary": rb.summary or rb.trigger, "text": text,
            "owner": rb.owner, "reviewed": rb.last_reviewed.isoformat(), **_review_dates(portal, rb.next_review),
            "fingerprint": hashlib.sha256(source.doc.text.encode()).hexdigest(),
        })
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"generated": generated, "site_name": site_name, "pages": pages}, indent=1)

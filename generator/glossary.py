"""The glossary (``content/glossary.yml``): its checks, the words it adds to search, its export.

Each term names the articles and runbooks that explain it. Those pages get the term's synonyms,
shop-floor words and codes as search keywords (``search_keywords``), so a reader who says
"scanner gun" finds the article about the label scanner; the same words go to
``_portal/glossary.json`` for the support backend to widen its queries with.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import Problems, did_you_mean
from .links import page_path, page_url
from .load import Portal

EXPORT_GLOSSARY = "_portal/glossary.json"
GLOSSARY_PAGE = "glossary.md"


def check_glossary(portal: Portal, problems: Problems) -> None:
    """Report terms whose anchor another term already has, and ``see_also`` ids that name no term."""
    source = portal.glossary
    if source is None:
        return
    seen: dict[str, int] = {}
    for i, term in enumerate(source.model.terms):
        if term.anchor in seen:
            line, col = source.where("terms", i, "id" if term.id else "term")
            first = seen[term.anchor]
            problems.add(source.path, line, col, f"terms[{i}]: duplicate glossary term '{term.anchor}': already terms[{first}]; give it another id")
        seen.setdefault(term.anchor, i)
    for i, term in enumerate(source.model.terms):
        for j, other in enumerate(term.see_also):
            if other not in seen:
                line, col = source.where("terms", i, "see_also", j)
                problems.add(source.path, line, col, f"terms[{i}].see_also[{j}]: unknown glossary term '{other}'{did_you_mean(other, seen)}")


def search_keywords(portal: Portal, directory_urls: bool) -> dict[str, list[str]]:
    """Page URL -> the names (term, synonyms, shop-floor words, codes) of every term that names the page."""
    out: dict[str, list[str]] = {}
    if portal.glossary is None:
        return out
    for term in portal.glossary.model.terms:
        for kind, ids in (("article", term.articles), ("runbook", term.runbooks)):
            for ident in ids:
                path = page_path(kind, ident, portal.article_paths)
                if path is not None and (kind != "article" or ident in portal.articles):
                    words = out.setdefault(page_url(path, directory_urls), [])
                    words += [w for w in term.words if w not in words]
    return out


def glossary_export(portal: Portal, directory_urls: bool) -> str:
    """The glossary as JSON for the support backend: each term, its names, codes, pages and anchor URL."""
    terms: list[dict[str, Any]] = []
    if portal.glossary is not None:
        url = page_url(GLOSSARY_PAGE, directory_urls)
        for term in portal.glossary.model.terms:
            terms.append({
                "id": term.anchor, "term": term.term, "definition": term.definition, "synonyms": term.synonyms,
                "shop_floor": term.shop_floor, "codes": term.codes, "articles": term.articles, "runbooks": term.runbooks,
                "see_also": term.see_also, "url": f"{url}#{term.anchor}",
            })
    return json.dumps({"terms": terms}, indent=1)

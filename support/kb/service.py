"""The knowledge base as the rest of the backend uses it: its pages, the search, rebuilding the index."""

from __future__ import annotations

from typing import Any

from support.context import Context
from support.kb.search import KnowledgeBase, Suggestion, parse_export

__all__ = ["Suggestion", "KnowledgeBase", "page", "parse_export", "rebuild", "search"]


def page(ctx: Context, article_id: str) -> dict[str, Any] | None:
    """A page of the site's KB export by id, or None."""
    return ctx.kb.get(article_id)


def search(ctx: Context, text: str, limit: int) -> list[Suggestion]:
    """The best ``limit`` articles for a text."""
    return ctx.kb.search(text, limit)


def rebuild(ctx: Context) -> int:
    """Rebuild the search index from the site's ``kb.json``; returns how many pages it holds."""
    return ctx.kb.rebuild()


def metric_families(kb: KnowledgeBase) -> list[tuple[str, str, str, tuple[str, ...], list[tuple[tuple[str, ...], float]]]]:
    """KB searches run and those that found nothing, since start-up (the zero-result share is their ratio)."""
    return [
        ("portal_kb_search_queries", "KB searches run (suggestions and agents' searches).", "counter", (), [((), kb.queries)]),
        ("portal_kb_search_zero_results", "KB searches that found nothing.", "counter", (), [((), kb.empty_queries)]),
        ("portal_kb_pages", "Pages in the loaded KB export.", "gauge", (), [((), len(kb.pages))]),
    ]

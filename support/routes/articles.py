"""KB articles in the backend: the article page (linked tickets, deflections) and rebuilding the index."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support import storage
from support.deps import Csrf, Ctx, RequireAdmin, RequireAgent
from support.errors import NotFound
from support.pages import redirect, render

router = APIRouter()


def article_summary(ctx: Ctx, article_id: str) -> dict[str, Any]:
    """A KB page with its linked tickets and suggestion/deflection counts; ``NotFound`` if unknown."""
    page = ctx.kb.get(article_id)
    if page is None:
        raise NotFound(f"Article {article_id} not found")
    fields = {k: page.get(k) for k in ("id", "title", "url", "type", "kind", "summary", "tags", "roles")}
    return {**fields, **storage.article_counts(ctx.db, article_id), "linked_tickets": storage.article_tickets(ctx.db, article_id)}


@router.get("/support/articles", include_in_schema=False)
def article_list(request: Request, ctx: Ctx, user: RequireAgent) -> Response:
    """Every KB article with how many tickets it is behind and how many readers it deflected."""
    counts = {r["article_id"]: r for r in ctx.db.all(
        "SELECT article_id, count(*) AS tickets FROM ticket_articles GROUP BY article_id")}
    deflections = {r["article_id"]: r["n"] for r in ctx.db.all("SELECT article_id, count(*) AS n FROM deflections GROUP BY article_id")}
    rows = [{**p, "tickets": counts.get(i, {}).get("tickets", 0), "deflections": deflections.get(i, 0)} for i, p in ctx.kb.pages.items()]
    return render(request, "articles.html", {"articles": sorted(rows, key=lambda r: (-r["tickets"], r["title"]))})


@router.get("/support/articles/{article_id}", include_in_schema=False)
def article_page(request: Request, ctx: Ctx, user: RequireAgent, article_id: str) -> Response:
    """One article: its linked tickets and how many readers it deflected."""
    return render(request, "article.html", {"article": article_summary(ctx, article_id)})


@router.post("/support/articles/rebuild-index", include_in_schema=False, dependencies=[Csrf])
def rebuild_form(ctx: Ctx, user: RequireAdmin) -> Response:
    """Rebuild the KB index from the site's kb.json (admins)."""
    ctx.kb.rebuild()
    return redirect("/support/articles")


@router.get("/api/articles/{article_id}", tags=["articles"])
def article_api(ctx: Ctx, user: RequireAgent, article_id: str) -> dict[str, Any]:
    """An article with its linked tickets, impressions and deflection count."""
    return article_summary(ctx, article_id)


@router.post("/api/admin/kb/rebuild", tags=["admin"], dependencies=[Csrf])
def rebuild_api(ctx: Ctx, user: RequireAdmin) -> dict[str, Any]:
    """Rebuild the KB index from the site's kb.json; returns how many pages it holds."""
    return {"pages": ctx.kb.rebuild()}

"""KB articles in the backend: the article list and page (linked tickets, deflections), and rebuilding the index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from support.kb import service as kb
from support.tickets import service as tickets
from support.kb.schemas import PageRating, RatingComment, SearchAnswer, SearchMade
from support.web.deps import Csrf, Ctx, RequireAdmin, RequireAgent, client_address
from support.errors import NotFound, TooMany
from support.web.pages import redirect, render

router = APIRouter()


@router.get("/support/articles", include_in_schema=False)
def article_list(request: Request, ctx: Ctx, user: RequireAgent) -> Response:
    """Every KB article with how many tickets it is behind and how many readers it deflected."""
    return render(request, "articles.html", {"articles": tickets.article_list(ctx)})


@router.get("/support/articles/{article_id}", include_in_schema=False)
def article_page(request: Request, ctx: Ctx, user: RequireAgent, article_id: str) -> Response:
    """One article: its linked tickets and how many readers it deflected."""
    return render(request, "article.html", {"article": tickets.article_summary(ctx, article_id)})


@router.post("/support/articles/rebuild-index", include_in_schema=False, dependencies=[Csrf])
def rebuild_form(ctx: Ctx, user: RequireAdmin) -> Response:
    """Rebuild the KB index from the site's kb.json (admins)."""
    kb.rebuild(ctx)
    return redirect("/support/articles")


@router.get("/api/articles/{article_id}", tags=["articles"])
def article_api(ctx: Ctx, user: RequireAgent, article_id: str) -> dict[str, Any]:
    """An article with its linked tickets, impressions and deflection count."""
    return tickets.article_summary(ctx, article_id)


@router.post("/api/admin/kb/rebuild", tags=["admin"], dependencies=[Csrf])
def rebuild_api(ctx: Ctx, user: RequireAdmin) -> dict[str, Any]:
    """Rebuild the KB index from the site's kb.json; returns how many pages it holds."""
    return {"pages": kb.rebuild(ctx)}


@router.post("/api/feedback", tags=["articles"], status_code=201, dependencies=[Csrf])
def rate_page(request: Request, ctx: Ctx, body: PageRating) -> dict[str, Any]:
    """ "Was this page helpful?" from the site: store the rating; the answer's token lets the reader add a comment."""
    saved = kb.rate_page(ctx, body.page, body.title, body.rating, client_address(request))
    if saved is None:
        raise TooMany("Too many ratings from this address; try again in an hour")
    return saved


@router.post("/api/feedback/comment", tags=["articles"], dependencies=[Csrf])
def comment_on_rating(ctx: Ctx, body: RatingComment) -> dict[str, Any]:
    """Add a comment to one's rating (once)."""
    if not kb.comment_on_rating(ctx, body.token, body.comment):
        raise NotFound("No rating takes a comment with this token")
    return {"recorded": True}


@router.post("/api/searches", tags=["articles"], status_code=201, dependencies=[Csrf])
def record_search(request: Request, ctx: Ctx, body: SearchMade) -> dict[str, Any]:
    """A search made in the site's box, the pages it showed, and (sent again) the one opened; no personal data."""
    saved = kb.record_search(ctx, body.visit, body.query, body.scope, body.results, body.opened, client_address(request))
    if saved is None:
        raise TooMany("Too many searches recorded from this address; try again in an hour")
    return {"id": saved}


@router.get("/api/search", tags=["articles"], response_model=SearchAnswer)
async def site_search(ctx: Ctx, q: Annotated[str, Query(max_length=500)] = "") -> dict[str, Any]:
    """The site's search box, reader scope: articles and runbooks for ``q``, best first, and ``good_match``.

    Public and read-only, like the suggestions; the site's box asks it when the site is served with the backend.
    """
    found = kb.site_search(ctx, q, wait=False)  # on the event loop; a due look at kb.json or a rebuild goes to a thread
    return found if found is not None else await run_in_threadpool(kb.site_search, ctx, q)

"""The knowledge base as the rest of the backend uses it: its pages, the search, rebuilding the index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from support import ratelimit
from support.context import Context
from support.kb import feedback, searches
from support.tables import Table
from support.kb.schemas import SearchHit
from support.kb.search import KnowledgeBase, Suggestion, good_match, parse_export

__all__ = ["KnowledgeBase", "SearchHit", "Suggestion", "comment_on_rating", "content_tables", "good_match", "page", "parse_export", "rate_page",
           "rebuild", "record_search", "search", "search_tables", "site_search", "ticket_filed_after_search"]


def page(ctx: Context, article_id: str) -> dict[str, Any] | None:
    """A page of the site's KB export by id, or None."""
    return ctx.kb.get(article_id)


def search(ctx: Context, text: str, limit: int) -> list[Suggestion]:
    """The best ``limit`` articles for a text."""
    return ctx.kb.search(text, limit)


SITE_SEARCH_LIMIT = 10


def site_search(ctx: Context, text: str, wait: bool = True) -> dict[str, Any] | None:
    """The site search box's answer for ``text`` (reader scope): pages, whether one answers it, the words to highlight.

    With ``wait`` False (on the event loop) None instead of waiting for a look at the KB export or a rebuild.
    """
    if not text.strip():
        return {"query": text, "good_match": False, "terms": [], "results": []}
    found = ctx.kb.site_search(text, SITE_SEARCH_LIMIT, wait)
    if found is None:
        return None
    hits, marked = found
    return {"query": text, "good_match": good_match(hits), "terms": marked, "results": [h.__dict__ for h in hits]}


def rebuild(ctx: Context) -> int:
    """Rebuild the search index from the site's ``kb.json``; returns how many pages it holds."""
    return ctx.kb.rebuild()


USEFULNESS_TARGET = 4.5  # the seeds' target for page usefulness (out of 5)
FRESHNESS_TARGET_DAYS = 30  # the seeds' target for the average days since review
RATINGS_PER_CLIENT_HOUR = 60


def _tokens(ctx: Context) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.settings.secret_key.get_secret_value(), salt="page-feedback")


def rate_page(ctx: Context, page: str, title: str, rating: int, client: str) -> dict[str, Any] | None:
    """Record a reader's rating of a page; returns its id and the token that lets the same reader add a comment.

    None when the client has rated too many pages this hour (the rating is dropped: the reports stay honest).
    """
    if not ratelimit.allow(ctx.db, f"feedback:{client}", RATINGS_PER_CLIENT_HOUR, 3600, ctx.now()):
        return None
    feedback_id = feedback.record(ctx.db, page, title, rating, ctx.now())
    return {"id": feedback_id, "token": _tokens(ctx).dumps(feedback_id)}


def comment_on_rating(ctx: Context, token: str, comment: str) -> bool:
    """Add the comment to the rating ``token`` names (once); False for a bad token or a rating that has one."""
    try:
        feedback_id = _tokens(ctx).loads(token)
    except BadSignature:
        return False
    return isinstance(feedback_id, int) and feedback.add_comment(ctx.db, feedback_id, comment)


def _owner_of(ctx: Context) -> dict[str, str]:
    return {"/" + p.get("url", "").lstrip("/"): p.get("owner", "") for p in ctx.kb.pages.values()}


def content_tables(ctx: Context, row_limit: int | None = None) -> list[Table]:
    """Page usefulness (per page and per owner, next to the 4.5 target), readers' comments, content freshness."""
    owners = _owner_of(ctx)
    pages = feedback.per_page(ctx.db)
    per_page = Table("page_usefulness", f"Page usefulness (target: more than {USEFULNESS_TARGET} of 5)",
                     ["page", "title", "owner", "votes", "average of 5", "comments"],
                     [[p["page"], p["title"], owners.get(p["page"], ""), p["votes"], round(p["average"], 2), p["comments"]]
                      for p in pages[:row_limit]], total=len(pages))
    by_owner: dict[str, list[float]] = {}
    for p in pages:
        by_owner.setdefault(owners.get(p["page"], "") or "(no owner)", []).extend([p["average"]] * p["votes"])
    per_owner = Table("usefulness_by_owner", f"Usefulness by owner (target: more than {USEFULNESS_TARGET} of 5)",
                      ["owner", "votes", "average of 5", "meets target"],
                      [[o, len(v), round(sum(v) / len(v), 2), "yes" if sum(v) / len(v) > USEFULNESS_TARGET else "no"]
                       for o, v in sorted(by_owner.items())])
    said = Table("feedback_comments", "What readers said", ["page", "title", "rating", "comment", "at"],
                 [[c["page"], c["title"], c["rating"], c["comment"], c["at"]] for c in feedback.comments(ctx.db, row_limit or 1000)])
    return [*search_tables(ctx, row_limit=row_limit), per_page, per_owner, said, _freshness(ctx)]


def _freshness(ctx: Context) -> Table:
    today = ctx.now().date()
    ages: dict[str, list[int]] = {}
    for p in ctx.kb.pages.values():
        if p.get("reviewed"):
            ages.setdefault(p.get("owner") or "(no owner)", []).append((today - dt.date.fromisoformat(p["reviewed"])).days)
    everyone = [a for v in ages.values() for a in v]
    rows = [["all pages", len(everyone), round(sum(everyone) / len(everyone), 1) if everyone else None]]
    rows += [[owner, len(v), round(sum(v) / len(v), 1)] for owner, v in sorted(ages.items())]
    return Table("content_freshness", f"Content freshness: average days since review (target: under {FRESHNESS_TARGET_DAYS})",
                 ["owner", "pages", "average days since review"], rows)


SEARCHES_PER_CLIENT_HOUR = 600
SEARCH_SUCCESS_TARGET = 0.9  # the seeds' first documentation metric


def record_search(ctx: Context, visit: str, query: str, scope: str, results: list[str], opened: str | None,
                  client: str) -> int | None:
    """Record a search from the site's box (or the result opened from it); its id (None: too many from this client)."""
    if not ratelimit.allow(ctx.db, f"searches:{client}", SEARCHES_PER_CLIENT_HOUR, 3600, ctx.now()):
        return None
    return searches.record(ctx.db, visit, query, scope, results, opened, ctx.now())


def ticket_filed_after_search(ctx: Context, visit: str | None, ticket_id: int) -> None:
    """A ticket came from this visit: its searches of the last half hour did not find the answer."""
    if visit:
        searches.ticket_followed(ctx.db, visit, ticket_id, ctx.now())


def search_tables(ctx: Context, days: int = 30, row_limit: int | None = None) -> list[Table]:
    """Search success over the last ``days`` next to the 90 % target, failing queries, pages opened before a ticket."""
    since = (ctx.now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    done = searches.success(ctx.db, since)
    total, ok = done["searches"] or 0, done["succeeded"] or 0
    rate = round(ok / total, 3) if total else None
    summary = Table("search_success", f"Search success, last {days} days (target: more than {SEARCH_SUCCESS_TARGET:.0%})",
                    ["searches", "succeeded (opened, no ticket after)", "success rate", "no result", "no click", "meets target"],
                    [[total, ok, rate, done["no_result"] or 0, done["no_click"] or 0,
                      "" if rate is None else ("yes" if rate > SEARCH_SUCCESS_TARGET else "no")]])
    failing = searches.failing_queries(ctx.db, since, row_limit or 50)
    todo = Table("failing_searches", "Searches with no result or no click (the docs team's to-do list)",
                 ["query", "times", "with no result"], [[f["query"], f["times"], f["no_result"]] for f in failing])
    before = searches.opened_before_tickets(ctx.db, since, row_limit or 50)
    anyway = Table("opened_then_filed", "Pages opened from a search before a ticket was filed anyway", ["page", "times"],
                   [[b["page"], b["times"]] for b in before])
    return [summary, todo, anyway]


def metric_families(kb: KnowledgeBase) -> list[tuple[str, str, str, tuple[str, ...], list[tuple[tuple[str, ...], float]]]]:
    """KB searches run and those that found nothing, since start-up (the zero-result share is their ratio)."""
    return [
        ("portal_kb_search_queries", "KB searches run (suggestions and agents' searches).", "counter", (), [((), kb.queries)]),
        ("portal_kb_search_zero_results", "KB searches that found nothing.", "counter", (), [((), kb.empty_queries)]),
        ("portal_kb_pages", "Pages in the loaded KB export.", "gauge", (), [((), len(kb.pages))]),
    ]

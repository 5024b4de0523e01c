"""Ticket actions shared by the HTML pages and the JSON API: who may do what, then storage."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from support import accounts, storage
from support.deps import Context
from support.errors import NotFound, Unauthorized
from support.schemas import TicketCreate


def requester_actor(ticket: dict[str, Any]) -> dict[str, Any]:
    """The author record of a ticket's requester."""
    return {"kind": "requester", "id": ticket["requester_id"], "name": ticket["requester_name"] or ticket["requester_email"]}


def agent_actor(user: dict[str, Any]) -> dict[str, Any]:
    """The author record of an agent."""
    return {"kind": "agent", "id": user["id"], "name": accounts.display_name(user)}


def check_category(ctx: Context, data: TicketCreate) -> None:
    """Raise a pydantic ``ValidationError`` (422 / form error) when the category is not configured."""
    if data.category not in ctx.settings.categories:
        error = PydanticCustomError("category", "Choose one of: {choices}", {"choices": ", ".join(ctx.settings.categories)})
        detail = InitErrorDetails(type=error, loc=("category",), input=data.category)
        raise ValidationError.from_exception_data("TicketCreate", [detail])


def file_ticket(ctx: Context, data: TicketCreate, user: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    """File a ticket for an anonymous or signed-in requester; returns (the ticket as stored, private-link token)."""
    check_category(ctx, data)
    fields = data.model_dump()
    fields["requester_id"] = user["id"] if user else None
    page_article = data.page_id if data.page_id and ctx.kb.get(data.page_id) else None
    actor = data.requester_name or data.requester_email
    return storage.create_ticket(ctx.db, fields, page_article, actor, ctx.now())


def viewable_ticket(ctx: Context, ticket_id: int, user: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """The ticket and whether the viewer is an agent; requesters only get their own (others: 404)."""
    if user is None:
        raise Unauthorized("Sign in to see this ticket")
    ticket = storage.get_ticket(ctx.db, ticket_id)
    if accounts.has_role(user, "agent"):
        return ticket, True
    if not storage.owns(ticket, user):
        raise NotFound(f"Ticket {ticket_id} not found")
    return ticket, False


def article_refs(ctx: Context, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's linked articles with their titles and site URLs from the KB."""
    return [_article_ref(ctx, link["article_id"], link["origin"]) for link in storage.linked_articles(ctx.db, ticket_id)]


def _article_ref(ctx: Context, article_id: str, origin: str) -> dict[str, Any]:
    page = ctx.kb.pages.get(article_id) or {}
    return {"id": article_id, "title": page.get("title", article_id), "url": page.get("url"), "origin": origin}


def filed_detail(ctx: Context, ticket: dict[str, Any]) -> dict[str, Any]:
    """``ticket_detail`` of a ticket just filed, without reading back what filing wrote: its page's article, no messages."""
    page_article = ticket["page_id"] if ticket["page_id"] and ticket["page_id"] in ctx.kb.pages else None
    return {**ticket, "articles": [_article_ref(ctx, page_article, "page")] if page_article else [], "messages": []}


def ticket_detail(ctx: Context, ticket: dict[str, Any], agent: bool) -> dict[str, Any]:
    """Everything a page or API response shows about a ticket; internal notes and history only for agents."""
    detail = {**ticket, "articles": article_refs(ctx, ticket["id"]),
              "messages": storage.messages(ctx.db, ticket["id"], include_internal=agent)}
    if agent:
        detail["history"] = storage.history(ctx.db, ticket["id"])
    return detail


def suggest(ctx: Context, query: str, form_id: str | None, exclude: tuple[str, ...] = (), wait: bool = True) -> list[Any] | None:
    """Up to ``suggestion_count`` KB articles for the text typed so far, recorded as impressions of ``form_id``.

    With ``wait`` False (on the event loop) None instead of waiting for a look at the KB export or a rebuild.
    """
    count = ctx.settings.suggestion_count
    if not query.strip():
        return []
    hits = ctx.kb.search(query, count, exclude=exclude) if wait else ctx.kb.search_now(query, count, exclude=exclude)
    if form_id and hits:
        storage.record_impressions(ctx.db, form_id, query, [h.id for h in hits], ctx.now())
    return hits


def deflect(ctx: Context, article_id: str, form_id: str | None, user: dict[str, Any] | None) -> dict[str, Any]:
    """Record that a suggested article answered the reader's question; returns the article."""
    page = ctx.kb.get(article_id)
    if page is None:
        raise NotFound(f"Article {article_id} not found")
    storage.record_deflection(ctx.db, article_id, form_id, user["id"] if user else None, ctx.now())
    return page


def link_article(ctx: Context, ticket_id: int, article_id: str, user: dict[str, Any]) -> bool:
    """Link a known KB article to a ticket; ``NotFound`` for an unknown article."""
    if ctx.kb.get(article_id) is None:
        raise NotFound(f"Article {article_id} not found")
    return storage.link_article(ctx.db, ticket_id, article_id, accounts.display_name(user), ctx.now())


def check_assignee(ctx: Context, assignee_id: int | None) -> None:
    """Refuse an assignee that is not an enabled agent or admin."""
    if assignee_id is not None and assignee_id not in {a["id"] for a in accounts.list_agents(ctx.db)}:
        raise NotFound(f"Agent {assignee_id} not found")

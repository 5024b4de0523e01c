"""The JSON API for tickets, suggestions and deflections (schema at /api/openapi.json).

Anonymous callers file tickets and follow them by token; agents list, read and update every
ticket. State changes from a signed-in session need the ``X-CSRF-Token`` header (see ``deps``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from support.accounts import service as accounts
from support.tickets import service
from support.web.deps import Csrf, Ctx, CurrentUser, RequireAgent, SignedIn, client_address, csrf_token
from support.schemas import Id
from support.tickets.schemas import (ArticleLinkCreate, QueueParams, DeflectionCreate, MessageCreate, MessagePublic, ReplyCreate, Suggestions, SuggestionsAsk, TicketAgentView, TicketCreate, TicketFiled, TicketPage, TicketPublic, TicketUpdate)

router = APIRouter(prefix="/api", tags=["tickets"])


def public(ctx: Ctx, ticket: dict[str, Any]) -> TicketPublic:
    """The requester's view of a ticket (no internal notes)."""
    return TicketPublic.model_validate(service.ticket_detail(ctx, ticket, agent=False))


def full(ctx: Ctx, ticket: dict[str, Any]) -> TicketAgentView:
    """The agent's view of a ticket."""
    return TicketAgentView.model_validate(service.ticket_detail(ctx, ticket, agent=True))


# first: a request is matched against the routes in order, and filing is the busiest
@router.post("/tickets", status_code=201, response_model=TicketFiled, dependencies=[Csrf])
async def file_ticket(request: Request, ctx: Ctx, user: CurrentUser, body: TicketCreate) -> dict[str, Any]:
    """File a ticket; the answer holds the private token and link (committed to disk before this 201 is sent)."""
    # async: a few short SQLite statements on the event loop beat a thread-pool round trip under load
    ticket, token = await ctx.db.write(service.file_ticket, ctx, body, user, "api")
    base = ctx.settings.base_url or str(request.base_url).rstrip("/")
    return {"ticket": service.filed_detail(ctx, ticket), "token": token, "url": f"{base}/support/t/{token}"}


@router.get("/session")
def session(request: Request, user: CurrentUser) -> dict[str, Any]:
    """Who is signed in, and the CSRF token to send as ``X-CSRF-Token`` with state changes."""
    return {"user": None if user is None else {k: user[k] for k in ("id", "email", "name", "role")}, "csrf_token": csrf_token(request)}


@router.get("/suggestions", response_model=Suggestions)
async def suggestions(ctx: Ctx, q: Annotated[str, Query(max_length=2000)] = "",
                      exclude: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
    """Up to ``suggestion_count`` KB articles for a text; records nothing (a ticket form posts to record what it showed)."""
    hits = await _suggest(ctx, q, exclude)
    return {"query": q, "form_id": None, "good_match": service.good_match(hits), "suggestions": [h.__dict__ for h in hits]}


@router.post("/suggestions", response_model=Suggestions, dependencies=[Csrf])
async def form_suggestions(request: Request, ctx: Ctx, body: SuggestionsAsk) -> dict[str, Any]:
    """Suggestions for the text typed so far in a ticket form, recorded as shown in the form ``form_id`` (the reports' impressions).

    Only a form id the ticket form was given records anything, and only so much per form and per client.
    """
    hits = await _suggest(ctx, body.q, body.exclude)
    await ctx.db.write(service.record_shown, ctx, body.form_id, body.q, hits, client_address(request))
    return {"query": body.q, "form_id": body.form_id, "good_match": service.good_match(hits), "suggestions": [h.__dict__ for h in hits]}


async def _suggest(ctx: Ctx, q: str, exclude: str | None) -> list[Any]:
    # On the event loop (a few ms of pure Python; threads only take turns at the GIL); a due kb.json look or rebuild goes to a thread.
    excluded = (exclude,) if exclude else ()
    hits = service.suggest(ctx, q, excluded, wait=False)
    if hits is None:
        hits = await run_in_threadpool(service.suggest, ctx, q, excluded)
    return hits


@router.post("/deflections", status_code=201, dependencies=[Csrf],
             responses={200: {"description": "Not counted: the form did not show this article, or it was counted already"}})
def deflection(ctx: Ctx, user: CurrentUser, body: DeflectionCreate, response: Response) -> dict[str, Any]:
    """Record "this answered my question" for an article a ticket form showed (once per form and article); files nothing."""
    page, counted = service.deflect(ctx, body.article_id, body.form_id, user)
    if not counted:
        response.status_code = 200
    return {"recorded": counted, "article_id": page["id"]}


@router.get("/t/{token}", response_model=TicketPublic)
def by_token(ctx: Ctx, token: str) -> TicketPublic:
    """A ticket through its private token (public replies only)."""
    return public(ctx, service.ticket_by_token(ctx, token))


@router.post("/t/{token}/replies", status_code=201, response_model=TicketPublic, dependencies=[Csrf])
def reply_by_token(ctx: Ctx, token: str, body: ReplyCreate) -> TicketPublic:
    """The requester replies through the private token (reopens a pending or resolved ticket)."""
    ticket = service.ticket_by_token(ctx, token)
    service.reply(ctx, ticket, service.requester_actor(ticket), body.body)
    return public(ctx, service.ticket(ctx, ticket["id"]))


@router.get("/tickets", response_model=TicketPage)
def list_tickets(ctx: Ctx, user: SignedIn, params: Annotated[QueueParams, Query()]) -> dict[str, Any]:
    """Agents: the queue with its filters; requesters: their own tickets."""
    if not accounts.has_role(user, "agent"):
        rows = service.requester_tickets(ctx, user)
        return {"total": len(rows), "page": 1, "size": len(rows), "tickets": rows}
    rows, total = service.queue_page(ctx, params, user)
    return {"total": total, "page": params.page, "size": ctx.settings.page_size, "tickets": rows}


@router.get("/tickets/{ticket_id}", response_model=TicketAgentView | TicketPublic)
def get_ticket(ctx: Ctx, user: SignedIn, ticket_id: Id) -> TicketAgentView | TicketPublic:
    """A ticket: everything for agents, the public view for its requester, 404 for anyone else."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    return full(ctx, ticket) if is_agent else public(ctx, ticket)


@router.post("/tickets/{ticket_id}/presence", dependencies=[Csrf])
def presence(ctx: Ctx, user: RequireAgent, ticket_id: Id) -> dict[str, Any]:
    """Agents: "I have this ticket open" (the ticket page sends it every 30 s); the other agents who have it open."""
    return {"others": [{"name": v["name"], "seen_at": v["seen_at"]} for v in service.presence(ctx, ticket_id, user)]}


@router.patch("/tickets/{ticket_id}", response_model=TicketAgentView, dependencies=[Csrf])
def update_ticket(ctx: Ctx, user: RequireAgent, ticket_id: Id, body: TicketUpdate) -> TicketAgentView:
    """Change status, priority, tier, assignee or category; each change is recorded in the history."""
    changes = body.model_dump(exclude_unset=True)
    return full(ctx, service.update(ctx, ticket_id, changes, user, unassign="assignee_id" in changes and changes["assignee_id"] is None))


@router.post("/tickets/{ticket_id}/messages", status_code=201, response_model=MessagePublic, dependencies=[Csrf])
def add_message(ctx: Ctx, user: SignedIn, ticket_id: Id, body: MessageCreate) -> dict[str, Any]:
    """A reply, or for agents an internal note (``internal: true``)."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    author = service.agent_actor(user) if is_agent else service.requester_actor(ticket)
    return service.reply(ctx, ticket, author, body.body, body.internal and is_agent)


@router.post("/tickets/{ticket_id}/articles", status_code=201, response_model=TicketAgentView, dependencies=[Csrf])
def link_article(ctx: Ctx, user: RequireAgent, ticket_id: Id, body: ArticleLinkCreate) -> TicketAgentView:
    """Link a KB article to the ticket."""
    service.link_article(ctx, ticket_id, body.article_id, user)
    return full(ctx, service.ticket(ctx, ticket_id))


@router.delete("/tickets/{ticket_id}/articles/{article_id}", response_model=TicketAgentView, dependencies=[Csrf])
def unlink_article(ctx: Ctx, user: RequireAgent, ticket_id: Id, article_id: str) -> TicketAgentView:
    """Remove a linked article from the ticket."""
    service.unlink_article(ctx, ticket_id, article_id, user)
    return full(ctx, service.ticket(ctx, ticket_id))

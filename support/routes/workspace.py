"""The agent workspace: queue with filters and bulk assign, ticket view and its actions."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from support import accounts, service, sla, storage
from support.deps import Csrf, Ctx, FormDep, RequireAgent, SignedIn
from support.pages import redirect, render
from support.queue import SORTS, QueueFilter, page_of_tickets
from support.schemas import Id, MessageCreate, Page, TicketUpdate, field_errors

router = APIRouter(prefix="/support", include_in_schema=False)


class BulkAssign(BaseModel):
    """The queue's bulk-assign form: the ticked tickets and the agent to give them to (none: unassign)."""

    ids: list[Id] = []
    assignee_id: Id | None = None


class QueueParams(BaseModel):
    """The queue's query string."""

    status: Literal["active", "all", "new", "open", "pending", "resolved", "closed"] = "active"
    priority: Literal["", "P1", "P2", "P3", "P4"] = ""
    tier: Literal["", "1", "2", "3"] = ""
    assignee: str = Field("", pattern=r"^(me|none|[0-9]{1,18})?$", description="'me', 'none' or an agent's id.")
    sla: Literal["", "breached", "due_soon"] = ""
    article: str = ""
    q: str = ""
    sort: Literal[tuple(SORTS)] = "due"  # type: ignore[valid-type]
    page: Page = 1

    def to_filter(self) -> QueueFilter:
        """The storage filter for these parameters."""
        return QueueFilter(status=None if self.status == "all" else self.status, priority=self.priority or None,
                           tier=int(self.tier) if self.tier else None, assignee=self.assignee or None,
                           sla=self.sla or None, article=self.article or None, q=self.q or None, sort=self.sort)


@router.get("/queue")
def queue(request: Request, ctx: Ctx, user: RequireAgent, params: Annotated[QueueParams, Query()]) -> Response:
    """The ticket queue (runs the SLA sweep first, so flags are current)."""
    sla.sweep(ctx.db, ctx.settings, ctx.now())
    rows, total = page_of_tickets(ctx.db, params.to_filter(), user["id"], ctx.now(), params.page, ctx.settings.page_size)
    query = params.model_dump(exclude={"page"})
    return render(request, "queue.html", {
        "rows": rows, "total": total, "params": params, "agents": accounts.list_agents(ctx.db),
        "pages": -(-total // ctx.settings.page_size), "query": urlencode(query), "sorts": SORTS,
    })


@router.post("/queue/assign", dependencies=[Csrf])
def bulk_assign(ctx: Ctx, user: RequireAgent, form: FormDep) -> Response:
    """Assign the ticked tickets to one agent (or to nobody)."""
    chosen = BulkAssign.model_validate({"ids": form.getlist("ids"), "assignee_id": form.get("assignee_id") or None})
    service.check_assignee(ctx, chosen.assignee_id)
    storage.bulk_assign(ctx.db, chosen.ids, chosen.assignee_id, accounts.display_name(user), ctx.now())
    back = str(form.get("back", ""))
    return redirect(f"/support/queue?{back}" if back and "//" not in back else "/support/queue")


def _ticket_page(request: Request, ctx: Ctx, ticket_id: int, user: dict, status: int = 200, **extra: object) -> Response:
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    detail = service.ticket_detail(ctx, ticket, agent=is_agent)
    context = {"ticket": detail, "errors": {}, "body": "", "filed": False,
               "reply_action": f"/support/tickets/{ticket_id}/reply", **extra}
    if not is_agent:
        return render(request, "ticket_private.html", context, status=status)
    kbq = request.query_params.get("kbq", "")
    context |= {"agents": accounts.list_agents(ctx.db), "kbq": kbq, "clocks": sla.clocks(ticket, ctx.settings, ctx.now()),
                "kb_hits": ctx.kb.search(kbq, 10) if kbq.strip() else None}
    return render(request, "ticket_agent.html", context, status=status)


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, ctx: Ctx, user: SignedIn, ticket_id: Id) -> Response:
    """A ticket: the full agent view, or the requester's own view of their ticket."""
    return _ticket_page(request, ctx, ticket_id, user)


@router.post("/tickets/{ticket_id}/reply", dependencies=[Csrf])
def reply(request: Request, ctx: Ctx, user: SignedIn, ticket_id: Id, form: FormDep) -> Response:
    """A public reply or (agents) an internal note; agents may set the status in the same step."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    try:
        message = MessageCreate(body=str(form.get("body", "")), internal=is_agent and form.get("internal") == "on")
    except ValidationError as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors=field_errors(exc), body=form.get("body", ""))
    author = service.agent_actor(user) if is_agent else service.requester_actor(ticket)
    storage.add_message(ctx.db, ticket, author, message.body, message.internal, ctx.now())
    if is_agent and form.get("then_status") in storage.STATUSES:
        storage.update_ticket(ctx.db, ticket_id, {"status": form["then_status"]}, author["name"], ctx.now())
    return redirect(f"/support/tickets/{ticket_id}#latest")


@router.post("/tickets/{ticket_id}/update", dependencies=[Csrf])
def update(request: Request, ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Change status, priority, tier, assignee or category (each change goes into the history)."""
    raw = {k: form.get(k) for k in ("status", "priority", "tier", "category", "assignee_id") if form.get(k)}
    try:
        changes = TicketUpdate.model_validate(raw).model_dump(exclude_none=True)
    except ValidationError as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors=field_errors(exc))
    service.check_assignee(ctx, changes.get("assignee_id"))
    storage.update_ticket(ctx.db, ticket_id, changes, accounts.display_name(user), ctx.now())
    if form.get("assignee_id") == "":  # "Unassigned" chosen; a form without the field keeps the assignee
        storage.clear_assignee(ctx.db, ticket_id, accounts.display_name(user), ctx.now())
    return redirect(f"/support/tickets/{ticket_id}")


@router.post("/tickets/{ticket_id}/articles", dependencies=[Csrf])
def link(ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Link a KB article (found with the KB search on the ticket page) to the ticket."""
    service.link_article(ctx, ticket_id, str(form.get("article_id", "")), user)
    return redirect(f"/support/tickets/{ticket_id}#articles")


@router.post("/tickets/{ticket_id}/articles/{article_id}/unlink", dependencies=[Csrf])
def unlink(ctx: Ctx, user: RequireAgent, ticket_id: Id, article_id: str) -> Response:
    """Remove a linked article from the ticket."""
    storage.unlink_article(ctx.db, ticket_id, article_id, accounts.display_name(user), ctx.now())
    return redirect(f"/support/tickets/{ticket_id}#articles")

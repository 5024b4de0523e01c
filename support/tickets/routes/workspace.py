"""The agent workspace: queue with filters and bulk assign, ticket view and its actions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from pydantic import ValidationError

from support.tickets import service
from support.web.deps import Csrf, Ctx, FormDep, RequireAgent, SignedIn
from support.web.pages import redirect, render
from support.schemas import Id, field_errors
from support.tickets.deps import BodyLimit, uploads
from support.tickets.schemas import BulkAssign, ComposeChoice, MessageCreate, QueueParams, TicketUpdate

router = APIRouter(prefix="/support", include_in_schema=False)


@router.get("/queue")
def queue(request: Request, ctx: Ctx, user: RequireAgent, params: Annotated[QueueParams, Query()]) -> Response:
    """The ticket queue (runs the SLA sweep first, so flags are current)."""
    return _queue_page(request, ctx, user, params)


def _queue_page(request: Request, ctx: Ctx, user: dict, params: QueueParams, status: int = 200, **extra: object) -> Response:
    rows, total = service.queue_page(ctx, params, user)
    query = params.model_dump(exclude={"page"})
    return render(request, "queue.html", {
        "rows": rows, "total": total, "params": params, "agents": service.agents(ctx),
        "pages": -(-total // ctx.settings.page_size), "query": urlencode(query), "sorts": service.SORTS,
        "views": service.views(ctx, user), "current_view": service.workday.view_query(params), "errors": {},
        "saved": request.query_params.get("saved"), **extra,
    }, status=status)


@router.post("/queue/views", dependencies=[Csrf])
def save_view(request: Request, ctx: Ctx, user: RequireAgent, form: FormDep) -> Response:
    """Save the queue's current filters as one of the agent's own views."""
    params = QueueParams.model_validate({k: v for k, v in form.items() if k in QueueParams.model_fields and k != "page" and v})
    try:
        service.save_view(ctx, user, str(form.get("view_name", "")), params)
    except ValueError as exc:
        return _queue_page(request, ctx, user, params, status=422, errors={"view_name": str(exc)})
    return redirect(f"/support/queue?{service.workday.view_query(params)}&saved=1#views")


@router.post("/queue/views/{view_id}/delete", dependencies=[Csrf])
def delete_view(ctx: Ctx, user: RequireAgent, view_id: Id) -> Response:
    """Delete one of the agent's own saved views."""
    service.delete_view(ctx, user, view_id)
    return redirect("/support/queue#views")


@router.post("/queue/assign", dependencies=[Csrf])
def bulk_assign(ctx: Ctx, user: RequireAgent, form: FormDep) -> Response:
    """Assign the ticked tickets to one agent (or to nobody)."""
    chosen = BulkAssign.model_validate({"ids": form.getlist("ids"), "assignee_id": form.get("assignee_id") or None})
    if form.get("assign_me"):  # a row's "Assign to me" button
        chosen = BulkAssign.model_validate({"ids": [form.get("assign_me")], "assignee_id": user["id"]})
    changed = service.bulk_assign(ctx, chosen.ids, chosen.assignee_id, user)
    back = str(form.get("back", ""))
    back = back if back and "//" not in back and len(back) <= 2000 else ""  # the queue's own filters; no proxy takes a longer Location
    return redirect(f"/support/queue?{back}&assigned={changed}#assigned")


EMPTY_DRAFT = {"body": "", "then_status": "", "then_priority": "", "articles": []}


def _ticket_page(request: Request, ctx: Ctx, ticket_id: int, user: dict, status: int = 200, **extra: object) -> Response:
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    detail = service.ticket_detail(ctx, ticket, agent=is_agent)
    context = {"ticket": detail, "errors": {}, "body": "", "filed": False, "draft": EMPTY_DRAFT,
               "reply_action": f"/support/tickets/{ticket_id}/reply", **extra}
    if not is_agent:
        return render(request, "ticket_private.html", context, status=status)
    kbq = str(extra.get("kbq") or request.query_params.get("kbq", ""))
    context |= {"tags": service.tags_of(ctx, [ticket_id])[ticket_id], "viewers": service.presence(ctx, ticket_id, user),
                "calendar_name": service.calendar_name(ticket)}
    context |= {"agents": service.agents(ctx), "kbq": kbq, "clocks": service.clocks(ctx, ticket), "kb_hits": service.kb_search(ctx, kbq),
                "templates": service.reply_templates(ctx, user), "group_name": service.group_name(ctx, ticket.get("group_id"))}
    return render(request, "ticket_agent.html", context, status=status)


def _draft(form: FormData) -> dict[str, object]:
    """The reply being written, as the reply form sent it."""
    return {"body": str(form.get("body", ""))[:20000], "then_status": str(form.get("then_status", "")),
            "then_priority": str(form.get("then_priority", "")), "articles": [str(a)[:200] for a in form.getlist("articles")][:20]}


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, ctx: Ctx, user: SignedIn, ticket_id: Id) -> Response:
    """A ticket: the full agent view, or the requester's own view of their ticket."""
    return _ticket_page(request, ctx, ticket_id, user)


@router.post("/tickets/{ticket_id}/reply", dependencies=[BodyLimit, Csrf])
def reply(request: Request, ctx: Ctx, user: SignedIn, ticket_id: Id, form: FormDep) -> Response:
    """A public reply or (agents) an internal note; agents may set the status in the same step."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    try:
        message = MessageCreate(body=str(form.get("body", "")), internal=is_agent and form.get("internal") == "on")
        files = service.take_uploads(ctx, "attachments", uploads(form, "attachments"), ticket)
    except ValidationError as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors=field_errors(exc), body=form.get("body", ""))
    except service.UploadRefused as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=exc.status, errors={"attachments": exc.message},
                            body=form.get("body", ""), draft=_draft(form))
    author = service.agent_actor(user) if is_agent else service.requester_actor(ticket)
    draft = _draft(form)
    service.reply(ctx, ticket, author, message.body, message.internal, then_status=draft["then_status"] or None,
                  then_priority=draft["then_priority"] or None, articles=tuple(draft["articles"]) if is_agent else (), files=files)
    return redirect(f"/support/tickets/{ticket_id}?sent=1#sent")


@router.post("/tickets/{ticket_id}/compose", dependencies=[Csrf])
def compose(request: Request, ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Add a canned reply or a KB article to the reply being written, or search the KB, and show the ticket with the
    reply kept (nothing is sent or stored)."""
    ticket, _ = service.viewable_ticket(ctx, ticket_id, user)
    chosen = ComposeChoice.model_validate({"template_id": form.get("template_id") or None, "article_id": form.get("insert_article") or None})
    draft = service.compose(ctx, ticket, user, _draft(form), chosen.template_id if form.get("insert") == "template" else None,
                            chosen.article_id)
    return _ticket_page(request, ctx, ticket_id, user, draft=draft, body=draft["body"], composed=form.get("insert") != "search",
                        kbq=str(form.get("kbq", ""))[:200])


@router.post("/tickets/{ticket_id}/assign-me", dependencies=[Csrf])
def assign_me(ctx: Ctx, user: RequireAgent, ticket_id: Id) -> Response:
    """Assign the ticket to the agent who pressed "Assign to me"."""
    service.assign_to_me(ctx, ticket_id, user)
    return redirect(f"/support/tickets/{ticket_id}?assigned=1#assigned")


@router.post("/tickets/{ticket_id}/messages/{message_id}/accept", dependencies=[Csrf])
def accept_mail_note(ctx: Ctx, user: RequireAgent, ticket_id: Id, message_id: Id) -> Response:
    """Accept a mail from another address as the requester's reply ("Accept as the requester's reply")."""
    service.accept_mail_note(ctx, ticket_id, message_id, user)
    return redirect(f"/support/tickets/{ticket_id}#latest")


@router.post("/tickets/{ticket_id}/update", dependencies=[Csrf])
def update(request: Request, ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Change status, priority, tier, assignee or category (each change goes into the history)."""
    raw = {k: form.get(k) for k in ("status", "priority", "tier", "category", "assignee_id") if form.get(k)}
    try:
        changes = TicketUpdate.model_validate(raw).model_dump(exclude_none=True)
    except ValidationError as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors=field_errors(exc))
    # "Unassigned" chosen is an empty assignee_id; a form without the field keeps the assignee
    service.update(ctx, ticket_id, changes, user, unassign=form.get("assignee_id") == "")
    return redirect(f"/support/tickets/{ticket_id}?updated=1#updated")


@router.post("/tickets/{ticket_id}/tags", dependencies=[Csrf])
def add_tag(request: Request, ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Tag the ticket (a bad tag is shown at the field, the text kept)."""
    text = str(form.get("tag", ""))[:100]
    try:
        service.tag(ctx, ticket_id, text, user)
    except ValueError as exc:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors={"tag": str(exc)}, tag_text=text)
    return redirect(f"/support/tickets/{ticket_id}?tagged=1#tags")


@router.post("/tickets/{ticket_id}/tags/{tag}/remove", dependencies=[Csrf])
def remove_tag(ctx: Ctx, user: RequireAgent, ticket_id: Id, tag: str) -> Response:
    """Remove a tag from the ticket."""
    service.untag(ctx, ticket_id, tag[:40], user)
    return redirect(f"/support/tickets/{ticket_id}#tags")


@router.post("/tickets/{ticket_id}/merge", dependencies=[Csrf])
def merge(request: Request, ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Merge this ticket (a duplicate) into the ticket whose number is given."""
    text = str(form.get("target_id", "")).strip().lstrip("#")[:20]
    if not text.isdigit() or not 0 < int(text) < 2**63:
        return _ticket_page(request, ctx, ticket_id, user, status=422, errors={"target_id": "enter the number of the ticket to merge into"},
                            merge_text=text)
    target = service.merge(ctx, ticket_id, int(text), user)
    return redirect(f"/support/tickets/{target['id']}?merged={ticket_id}#merged")


@router.post("/tickets/{ticket_id}/articles", dependencies=[Csrf])
def link(ctx: Ctx, user: RequireAgent, ticket_id: Id, form: FormDep) -> Response:
    """Link a KB article (found with the KB search on the ticket page) to the ticket."""
    service.link_article(ctx, ticket_id, str(form.get("article_id", "")), user)
    return redirect(f"/support/tickets/{ticket_id}#articles")


@router.post("/tickets/{ticket_id}/articles/{article_id}/unlink", dependencies=[Csrf])
def unlink(ctx: Ctx, user: RequireAgent, ticket_id: Id, article_id: str) -> Response:
    """Remove a linked article from the ticket."""
    service.unlink_article(ctx, ticket_id, article_id, user)
    return redirect(f"/support/tickets/{ticket_id}#articles")

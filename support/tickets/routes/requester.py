"""Requester pages: the ticket form with suggestions, "this answered my question", the private link, my tickets."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from pydantic import ValidationError

from support.accounts import service as accounts
from support.tickets import service
from support.web.deps import Csrf, Ctx, CurrentUser, FormDep, SignedIn, client_address, verify_csrf
from support.errors import Forbidden
from support.web.pages import redirect, render
from support.schemas import field_errors
from support.tickets.schemas import RatingCreate, ReplyCreate, TicketCreate
from support.tickets.deps import BodyLimit, uploads

router = APIRouter(prefix="/support", include_in_schema=False)
FORM_FIELDS = ("subject", "description", "requester_email", "requester_name", "category", "priority", "visit",
               "page_id", "page_title", "page_url", "form_id")


def _form_page(request: Request, ctx: Ctx, values: dict[str, Any], **extra: Any) -> Response:
    status = extra.pop("status", 200)
    context = {"values": values, "errors": {}, "suggestions": None, "deflected": None,
               "own_address": _own_address_only(request.state.user if hasattr(request.state, "user") else None), **extra}
    return render(request, "ticket_form.html", context, status=status)


@router.get("/tickets/new")
def new_ticket(request: Request, ctx: Ctx, user: CurrentUser) -> Response:
    """The ticket form, pre-filled from the help link's ``page_id``, ``page_title`` and ``page_url``."""
    values = {k: request.query_params.get(k, "") for k in FORM_FIELDS}
    if ":" in values["page_url"] or values["page_url"].startswith("//"):
        values["page_url"] = ""
    values["visit"] = _visit(values["visit"])
    values.update(form_id=service.issue_form_id(ctx), priority=values["priority"] or "P3",
                  category=values["category"] or ctx.settings.categories[0])
    if user and not values["requester_email"]:
        values.update(requester_email=user["email"], requester_name=user["name"])
    return _form_page(request, ctx, values)


def _visit(value: str) -> str:
    """The help link's visit id if it looks like one (a hidden field: a bad one is dropped, not shown as an error)."""
    return value if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", value) else ""


def _own_address_only(user: dict | None) -> bool:
    return user is not None and not accounts.has_role(user, "agent")


@router.post("/tickets/new", dependencies=[BodyLimit])
async def post_ticket(request: Request, ctx: Ctx, user: CurrentUser, form: FormDep) -> Response:
    """File the ticket, or (button ``action=suggest`` / ``deflect``) re-render it with suggestions; the text is always kept.

    Filing goes to the database's writer thread; the KB search runs in the thread pool.
    """
    values = {k: str(form.get(k, "")) for k in FORM_FIELDS}
    values["visit"] = _visit(values["visit"])
    if not service.valid_form_id(ctx, values["form_id"][:64]):
        values["form_id"] = service.issue_form_id(ctx)
    try:
        await verify_csrf(request)
    except Forbidden as exc:
        return _form_page(request, ctx, values, errors={"form": exc.detail}, status=403)
    if form.get("deflect"):
        page, _ = await ctx.db.write(service.deflect, ctx, str(form["deflect"])[:200], values["form_id"], user)
        return await run_in_threadpool(_with_suggestions, request, ctx, values, deflected=page)
    if form.get("action") == "suggest":
        return await run_in_threadpool(_with_suggestions, request, ctx, values)
    return await _file(request, ctx, user, values, uploads(form, "attachments"))


def _with_suggestions(request: Request, ctx: Ctx, values: dict[str, str], **extra: Any) -> Response:
    query = f"{values['subject']} {values['description']}"
    exclude = (values["page_id"],) if values["page_id"] else ()
    hits = service.suggest(ctx, query, exclude)
    service.record_shown(ctx, values["form_id"], query, hits, client_address(request))
    return _form_page(request, ctx, values, suggestions=hits, good_match=service.good_match(hits), **extra)


async def _file(request: Request, ctx: Ctx, user: dict | None, values: dict[str, str], files: list) -> Response:
    try:
        data = TicketCreate.model_validate({k: v for k, v in values.items() if v != ""})
        stored = await run_in_threadpool(service.take_uploads, ctx, "attachments", files) if files else []
        ticket, token = await ctx.db.write(service.file_ticket, ctx, data, user, "web", stored)
    except ValidationError as exc:
        return _form_page(request, ctx, values, errors=field_errors(exc), status=422)
    except service.UploadRefused as exc:
        return _form_page(request, ctx, values, errors={"attachments": exc.message}, status=exc.status)
    request.session["filed"] = ticket["id"]  # "your ticket was filed" is said once, not on every visit of the bookmark
    return redirect(f"/support/t/{token}")


def _private_page(request: Request, ctx: Ctx, user: dict | None, token: str, ticket: dict[str, Any], **extra: Any) -> Response:
    status = extra.pop("status", 200)
    context = {"ticket": service.ticket_detail(ctx, ticket, agent=False), "filed": False, "errors": {}, "body": "",
               "reply_action": f"/support/t/{token}/reply", "claim_action": f"/support/t/{token}/claim",
               "can_claim": service.can_claim(ticket, user), **extra}
    return render(request, "ticket_private.html", context, status=status)


@router.get("/t/{token}")
def private_ticket(request: Request, ctx: Ctx, user: CurrentUser, token: str) -> Response:
    """The requester's private view of a ticket (public replies only), reached by its unguessable link."""
    ticket = service.ticket_by_token(ctx, token)
    filed = request.session.get("filed") == ticket["id"]
    if filed:
        del request.session["filed"]
    return _private_page(request, ctx, user, token, ticket, filed=filed)


@router.post("/t/{token}/claim", dependencies=[Csrf])
def claim(request: Request, ctx: Ctx, user: SignedIn, token: str) -> Response:
    """Add a ticket filed under one's address without signing in to one's account (the private link changes)."""
    ticket = service.ticket_by_token(ctx, token)
    service.claim_ticket(ctx, ticket, user)
    return redirect(f"/support/tickets/{ticket['id']}")


@router.post("/t/{token}/reply", dependencies=[BodyLimit, Csrf])
def private_reply(request: Request, ctx: Ctx, user: CurrentUser, token: str, form: FormDep) -> Response:
    """A reply from the requester through the private link (reopens a pending or resolved ticket)."""
    ticket = service.ticket_by_token(ctx, token)
    try:
        reply = ReplyCreate(body=str(form.get("body", "")))
        files = service.take_uploads(ctx, "attachments", uploads(form, "attachments"), ticket)
    except ValidationError as exc:
        return _private_page(request, ctx, user, token, ticket, errors=field_errors(exc), body=form.get("body", ""), status=422)
    except service.UploadRefused as exc:
        return _private_page(request, ctx, user, token, ticket, errors={"attachments": exc.message}, body=form.get("body", ""),
                             status=exc.status)
    service.reply(ctx, ticket, service.requester_actor(ticket), reply.body, files=files)
    return redirect(f"/support/t/{token}?sent=1#sent")


@router.get("/prove/{token}")
def proof_page(request: Request, ctx: Ctx, user: CurrentUser, token: str) -> Response:
    """The proof link mailed with a ticket filed without signing in: a button that adds the ticket to the account.

    Following the link changes nothing by itself (mail scanners fetch links); the signed-in owner confirms.
    """
    ticket = service.proof_ticket(ctx, token[:500], user)
    if ticket["requester_id"] is not None:
        return redirect(f"/support/tickets/{ticket['id']}")
    return render(request, "ticket_prove.html", {"ticket": ticket, "action": f"/support/prove/{token}"})


@router.post("/prove/{token}", dependencies=[Csrf])
def prove(request: Request, ctx: Ctx, user: SignedIn, token: str) -> Response:
    """Add the ticket to the signed-in account of its address, proven by the mailed link."""
    ticket = service.prove_address(ctx, token[:500], user)
    return redirect(f"/support/tickets/{ticket['id']}")


def _rating_page(request: Request, ctx: Ctx, token: str, values: dict[str, str], status: int = 200, **extra: Any) -> Response:
    ticket, _, done = service.rating_target(ctx, token[:500])
    context = {"ticket": ticket, "done": done, "values": values, "errors": {}, "action": f"/support/rate/{token}", **extra}
    return render(request, "ticket_rate.html", context, status=status)


@router.get("/rate/{token}")
def rating_form(request: Request, ctx: Ctx, token: str) -> Response:
    """The rating form of a resolved ticket's mail (``?score=`` preselects the score clicked in the mail)."""
    return _rating_page(request, ctx, token, {"score": request.query_params.get("score", "")[:1], "comment": ""})


@router.post("/rate/{token}", dependencies=[Csrf])
def rate(request: Request, ctx: Ctx, token: str, form: FormDep) -> Response:
    """Record the rating, once per resolution; a problem is shown beside its field with the text kept."""
    values = {"score": str(form.get("score", ""))[:10], "comment": str(form.get("comment", ""))}
    try:
        rating = RatingCreate.model_validate({"score": values["score"] or None, "comment": values["comment"]})
    except ValidationError as exc:
        return _rating_page(request, ctx, token, values, status=422, errors=field_errors(exc))
    service.rate(ctx, token[:500], rating.score, rating.comment)
    return _rating_page(request, ctx, token, values, thanked=True)


@router.get("/my")
def my_tickets(request: Request, ctx: Ctx, user: SignedIn) -> Response:
    """A signed-in requester's tickets."""
    return render(request, "my_tickets.html", {"tickets": service.requester_tickets(ctx, user)})

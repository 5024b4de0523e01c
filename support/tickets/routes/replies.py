"""Canned replies: the page where agents keep their own reply templates and administrators the shared ones."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from support.schemas import Id, field_errors
from support.tickets import service
from support.tickets.schemas import ReplyTemplateCreate
from support.web.deps import Csrf, Ctx, FormDep, RequireAgent
from support.web.pages import redirect, render

router = APIRouter(prefix="/support", include_in_schema=False)
FIELDS = ("title", "body", "set_status", "set_priority")


def _page(request: Request, ctx: Ctx, user: dict, status: int = 200, **extra: object) -> Response:
    context = {"templates": service.reply_templates(ctx, user), "errors": {}, "values": {}, "placeholders": service.PLACEHOLDERS}
    return render(request, "replies.html", context | extra, status=status)


@router.get("/replies")
def replies_page(request: Request, ctx: Ctx, user: RequireAgent) -> Response:
    """The canned replies an agent may use, and the form to add one."""
    return _page(request, ctx, user, added=request.query_params.get("added") == "1")


@router.post("/replies", dependencies=[Csrf])
def add_reply(request: Request, ctx: Ctx, user: RequireAgent, form: FormDep) -> Response:
    """Keep a new canned reply (shared only when an administrator ticks it)."""
    values = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        data = ReplyTemplateCreate.model_validate({**{k: v or None for k, v in values.items()}, "shared": form.get("shared") == "on"})
    except ValidationError as exc:
        return _page(request, ctx, user, status=422, errors=field_errors(exc), values=values)
    service.add_reply_template(ctx, data, user)
    return redirect("/support/replies?added=1#saved")


@router.post("/replies/{template_id}/delete", dependencies=[Csrf])
def delete_reply(ctx: Ctx, user: RequireAgent, template_id: Id) -> Response:
    """Remove a canned reply."""
    service.delete_reply_template(ctx, template_id, user)
    return redirect("/support/replies")

"""The admin's outbox: every message queued, sent or failed (with the server's answer), one message whole, resend."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.notifications import service
from support.schemas import Id
from support.web.deps import Csrf, Ctx, RequireAdmin
from support.web.pages import redirect, render

router = APIRouter(prefix="/support/admin/outbox", include_in_schema=False)


@router.get("")
def outbox_page(request: Request, ctx: Ctx, user: RequireAdmin, status: str = "") -> Response:
    """The newest messages, of one status if asked (``?status=failed``), with the counts per status."""
    rows, counts = service.outbox_page(ctx.db, status if status in service.STATUSES else None)
    return render(request, "admin_outbox.html", {"rows": rows, "counts": counts, "status": status,
                                                 "statuses": service.STATUSES, "delivery": _delivery(ctx)})


@router.get("/{message_id}")
def message_page(request: Request, ctx: Ctx, user: RequireAdmin, message_id: Id) -> Response:
    """One message: headers, plain text and (as text) the HTML part, rendered from its values with the templates of this version."""
    row = service.message(ctx.db, message_id)
    return render(request, "admin_outbox_message.html", {"row": row, "message_id": service.message_id(row, ctx.settings)})


@router.post("/{message_id}/resend", dependencies=[Csrf])
def resend(request: Request, ctx: Ctx, user: RequireAdmin, message_id: Id) -> Response:
    """Queue a failed message again (or a copy of a sent one) and go back to the outbox."""
    service.resend(ctx.db, message_id, ctx.now())
    return redirect("/support/admin/outbox")


def _delivery(ctx: Ctx) -> str:
    settings = ctx.settings
    if settings.smtp_host:
        return f"SMTP server {settings.smtp_host}:{settings.smtp_port_or_default} ({settings.smtp_security})"
    return f"no SMTP server set: each message is written to {settings.mail_dir}/ as an .eml file"

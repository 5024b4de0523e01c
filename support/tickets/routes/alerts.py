"""Alerts in: the Alertmanager webhook (``POST /api/integrations/alertmanager``) and generic JSON events
(``POST /api/integrations/events``), both guarded by the secret token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from support.errors import Unauthorized
from support.tickets import service
from support.tickets.schemas import Event, Notification
from support.web.deps import Ctx

router = APIRouter(prefix="/api/integrations", tags=["integrations"])


def _token(request: Request) -> str:
    """The token from ``Authorization: Bearer <token>`` (Alertmanager's ``http_config.authorization``)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


async def require_token(request: Request) -> None:
    """A dependency, so that a caller without the token gets 401 before its body is read and judged (422)."""
    if not service.alert_token_ok(request.app.state.context, _token(request)):
        raise Unauthorized("Alerts and events in need the token set in PORTAL_ALERT_TOKEN (Authorization: Bearer <token>)")


Token = Depends(require_token)


@router.post("/alertmanager", status_code=202, dependencies=[Token])
async def alertmanager(ctx: Ctx, body: Notification) -> dict[str, Any]:
    """Take an Alertmanager notification: one ticket per alert group; firing again adds to it, resolved adds a note."""
    ticket, opened = await ctx.db.write(service.receive_alert, ctx, body)
    return {"ticket_id": ticket["id"], "opened": opened, "status": ticket["status"]}


@router.post("/events", status_code=202, dependencies=[Token])
async def events(ctx: Ctx, body: Event) -> dict[str, Any]:
    """Take a generic JSON event (schema: ``Event``): one ticket per ``dedup_key``; a repeat adds to it, resolved adds a note."""
    ticket, opened = await ctx.db.write(service.receive_event, ctx, body)
    return {"ticket_id": ticket["id"], "opened": opened, "status": ticket["status"]}

"""Attachments: each file sent only to those who may see its ticket, as a download that cannot run in the portal's origin;
files added through the API (multipart)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from support.schemas import Id
from support.tickets import service
from support.tickets.deps import BodyLimit, uploads
from support.tickets.schemas import AttachmentPublic
from support.web.deps import Csrf, Ctx, CurrentUser, FormDep, SignedIn

router = APIRouter(tags=["attachments"])
# Even opened directly, a file is a download; were it rendered, the sandbox gives it no origin and no scripts.
HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff",
           "Cross-Origin-Resource-Policy": "same-origin", "Cache-Control": "private, no-store"}


def _send(row: dict[str, Any], path: Any, mime: str) -> Response:
    ascii_name = row["name"].encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row['name'])}"
    return FileResponse(path, media_type=mime, headers={**HEADERS, "Content-Disposition": disposition})


@router.get("/support/tickets/{ticket_id}/files/{attachment_id}/{name}", include_in_schema=False)
def ticket_file(ctx: Ctx, user: SignedIn, ticket_id: Id, attachment_id: Id, name: str) -> Response:
    """A file of a ticket, for its agents and its requester's account (``name`` is for the reader; the id decides)."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    return _send(*service.attachment_file(ctx, ticket, attachment_id, agent=is_agent))


@router.get("/support/t/{token}/files/{attachment_id}/{name}", include_in_schema=False)
def private_file(ctx: Ctx, token: str, attachment_id: Id, name: str) -> Response:
    """A file of a ticket through its private link (the files of internal notes never)."""
    ticket = service.ticket_by_token(ctx, token)
    return _send(*service.attachment_file(ctx, ticket, attachment_id, agent=False))


async def _attach(ctx: Ctx, ticket: dict[str, Any], author: dict[str, Any], form: Any) -> list[dict[str, Any]]:
    files = uploads(form, "file")
    if not files:
        raise service.UploadRefused(422, "file", "no file was sent: send each as a multipart form field named 'file'")
    stored = await run_in_threadpool(service.take_uploads, ctx, "file", files, ticket)
    return await ctx.db.write(service.add_attachments, ctx, ticket, author, stored)


@router.post("/api/tickets/{ticket_id}/attachments", status_code=201, response_model=list[AttachmentPublic],
             dependencies=[BodyLimit, Csrf])
async def add_files(ctx: Ctx, user: SignedIn, ticket_id: Id, form: FormDep) -> list[dict[str, Any]]:
    """Attach files (multipart, field ``file``, with ``csrf_token``) to a ticket one may see; 413/422 name the file and limit."""
    ticket, is_agent = service.viewable_ticket(ctx, ticket_id, user)
    author = service.agent_actor(user) if is_agent else service.requester_actor(ticket)
    return await _attach(ctx, ticket, author, form)


@router.post("/api/t/{token}/attachments", status_code=201, response_model=list[AttachmentPublic], dependencies=[BodyLimit, Csrf])
async def add_files_by_token(ctx: Ctx, user: CurrentUser, token: str, form: FormDep) -> list[dict[str, Any]]:
    """Attach files to a ticket through its private token (multipart, field ``file``, with ``csrf_token`` from /api/session)."""
    ticket = service.ticket_by_token(ctx, token)
    return await _attach(ctx, ticket, service.requester_actor(ticket), form)

"""Dependencies of the ticket routes that take files: a bound on the request body, and the files of a posted form."""

from __future__ import annotations

import contextlib

from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from support.tickets.attachments import UploadRefused, megabytes

FORM_TEXT = 1024 * 1024  # room for a form's text fields beside its files


async def check_body_size(request: Request) -> AsyncIterator[None]:
    """Refuse (413) a body announced as larger than twice the per-ticket attachment limit, before reading it;
    after the handler, close the posted form's spooled files.

    Up to that size the body is read (files spooled to disk), so that a form over the limit comes back
    with its text kept and the limit named beside the file field.
    """
    settings = request.app.state.settings
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > 2 * settings.attachment_ticket_max_bytes + FORM_TEXT:
        raise UploadRefused(413, "attachments", f"the request is {megabytes(int(length))}; attachments may take "
                            f"{megabytes(settings.attachment_ticket_max_bytes)} per ticket")
    try:
        yield
    finally:
        if request.headers.get("content-type", "").startswith("multipart/"):
            with contextlib.suppress(Exception):  # a body that did not parse (answered 400) has no files, and cannot be read again
                await (await request.form()).close()  # parsed already (cached): this only closes its files


BodyLimit = Depends(check_body_size)


def uploads(form: FormData, field: str) -> list[tuple[str, Any]]:
    """The files chosen in a form field as (file name, stream); an empty file input sends none."""
    return [(item.filename or "file", item.file) for item in form.getlist(field)
            if isinstance(item, UploadFile) and (item.filename or item.size)]

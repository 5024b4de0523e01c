"""A learner's progress from use: reads reported by the site's pages, and the retention check after certification."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.schemas import Id, Model
from support.web.deps import Csrf, Ctx, FormDep, SignedIn
from support.web.pages import redirect, render

router = APIRouter()
HEAD = {"Cache-Control": "no-store"}


class PageRead(Model):
    """A page of the site a signed-in reader opened."""

    path: str = Field(min_length=1, max_length=500, description="The page's path on the site, e.g. /articles/operations/x/.")


@router.post("/api/me/reads", tags=["assessments"], dependencies=[Csrf])
def record_read(ctx: Ctx, user: SignedIn, body: PageRead) -> dict[str, Any]:
    """Record that you read an article or runbook of the site (``page``: its id, or null for any other page)."""
    return {"page": assessments.record_read(ctx, user, body.path)}


def _check_page(request: Request, ctx: Ctx, check: dict[str, Any], answers: dict | None = None, errors: dict | None = None,
                status: int = 200) -> Response:
    view = assessments.retention_view(ctx, check)
    response = render(request, "assessments/retention.html", {"check": view, "answers": answers or {}, "errors": errors or {}},
                      status=status)
    response.headers.update(HEAD)
    return response


@router.get("/support/retention/{cert_id}", include_in_schema=False)
def retention_page(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, cert_id: Id) -> Response:
    """The retention check of one of your certificates (drawn when first opened), or its result once taken."""
    return _check_page(request, ctx, assessments.retention_check(ctx, catalog, cert_id, user, allow_done=True))


@router.post("/support/retention/{cert_id}", include_in_schema=False, dependencies=[Csrf])
def retention_submit(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, cert_id: Id, form: FormDep) -> Response:
    """Grade the retention check; answers of the wrong shape are shown beside their questions, kept."""
    check = assessments.retention_check(ctx, catalog, cert_id, user)
    check, errors, answers = assessments.submit_retention(ctx, check, form)
    if errors:
        return _check_page(request, ctx, check, answers, errors, status=422)
    return redirect(f"/support/retention/{cert_id}#result")

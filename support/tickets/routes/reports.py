"""Reports for agents and admins: the page with charts, CSV per table, and JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.web.deps import Ctx, RequireAgent
from support.errors import NotFound
from support.web.pages import render
from support.tables import Table
from support.tickets import service

router = APIRouter()
PAGE_ROWS = 100
"""Rows of a long table shown on the page; its CSV has them all."""


def build(ctx: Ctx, row_limit: int | None = None) -> list[Table]:
    """The tickets report at the current time."""
    return service.report(ctx, row_limit)


@router.get("/support/reports", include_in_schema=False)
def reports_page(request: Request, ctx: Ctx, user: RequireAgent) -> Response:
    """All report tables, with bar charts where a picture reads faster."""
    return render(request, "reports.html", {"tables": build(ctx, PAGE_ROWS)})


@router.get("/support/reports/{name}.csv", include_in_schema=False)
def report_csv(ctx: Ctx, user: RequireAgent, name: str) -> Response:
    """One report table as CSV."""
    table = next((t for t in build(ctx) if t.name == name), None)
    if table is None:
        raise NotFound(f"Report table {name} not found")
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/api/reports/tickets", tags=["reports"])
def report_api(ctx: Ctx, user: RequireAgent) -> dict[str, Any]:
    """Every report table as columns and rows."""
    return {t.name: {"title": t.title, "columns": t.columns, "rows": t.rows} for t in build(ctx)}

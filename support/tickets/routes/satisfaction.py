"""The satisfaction report over a range of days (``?from=2026-11-01&to=2026-11-30``): page, CSV per table, JSON."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from support.errors import NotFound
from support.schemas import field_errors
from support.tickets import service
from support.tickets.schemas import ReportRange
from support.web.deps import Ctx, RequireAgent
from support.web.pages import render

router = APIRouter()


@router.get("/support/reports/satisfaction", include_in_schema=False)
def satisfaction_page(request: Request, ctx: Ctx, user: RequireAgent) -> Response:
    """The satisfaction tables for the days asked; a bad date is named beside its field (422)."""
    given = {k: request.query_params.get(k, "") for k in ("from", "to")}
    try:
        span = ReportRange.model_validate(given)
    except ValidationError as exc:
        return render(request, "satisfaction_report.html", {"tables": [], "given": given, "errors": field_errors(exc)},
                      status=422)
    query = urlencode({k: v for k, v in given.items() if v})
    return render(request, "satisfaction_report.html", {"tables": service.satisfaction_report(ctx, span), "given": given,
                                                        "errors": {}, "query": query})


@router.get("/support/reports/satisfaction/{name}.csv", include_in_schema=False)
def satisfaction_csv(ctx: Ctx, user: RequireAgent, name: str, span: Annotated[ReportRange, Query()]) -> Response:
    """One satisfaction table of the range as CSV."""
    table = next((t for t in service.satisfaction_report(ctx, span) if t.name == name), None)
    if table is None:
        raise NotFound(f"Report table {name} not found")
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/api/reports/satisfaction", tags=["reports"])
def satisfaction_api(ctx: Ctx, user: RequireAgent, span: Annotated[ReportRange, Query()]) -> dict[str, Any]:
    """The satisfaction tables for ``from`` .. ``to`` (ISO dates, inclusive; either may be left out)."""
    return {t.name: {"title": t.title, "columns": t.columns, "rows": t.rows} for t in service.satisfaction_report(ctx, span)}

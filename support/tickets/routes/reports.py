"""Reports for agents and admins: the page with charts, CSV per table, and JSON, each over a from/to range of days."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from support.web.deps import Ctx, RequireAgent
from support.errors import NotFound
from support.web.pages import render
from support.tables import Table
from support.tickets import service
from support.periods import range_errors
from support.tickets.schemas import ReportRange

router = APIRouter()
PAGE_ROWS = 100
"""Rows of a long table shown on the page; its CSV has them all."""
From = Annotated[str, Query(alias="from", max_length=40, description="First day (YYYY-MM-DD), included; empty: open-ended.")]
To = Annotated[str, Query(alias="to", max_length=40, description="Last day (YYYY-MM-DD), included; empty: open-ended.")]


def build(ctx: Ctx, span: ReportRange, row_limit: int | None = None) -> list[Table]:
    """The tickets report at the current time over ``span``."""
    return service.report(ctx, row_limit, span)


@router.get("/support/reports", include_in_schema=False)
def reports_page(request: Request, ctx: Ctx, user: RequireAgent, start: From = "", end: To = "") -> Response:
    """All report tables over the range asked for, with bar charts where a picture reads faster; a bad date is shown on the form."""
    try:
        span = ReportRange.model_validate({"from": start, "to": end})
    except ValidationError as exc:
        errors = range_errors(exc)
        return render(request, "reports.html", {"tables": [], "errors": errors, "start": start, "end": end}, status=422)
    return render(request, "reports.html", {"tables": build(ctx, span, PAGE_ROWS), "span": span, "errors": {},
                                            "start": start, "end": end})


def _span(start: str, end: str) -> ReportRange:
    """The range of a CSV or API request; a bad date is a 422 naming the query parameter."""
    try:
        return ReportRange.model_validate({"from": start, "to": end})
    except ValidationError as exc:
        raise RequestValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}
                                      for field, message in range_errors(exc).items()]) from None


@router.get("/support/reports/{name}.csv", include_in_schema=False)
def report_csv(ctx: Ctx, user: RequireAgent, name: str, start: From = "", end: To = "") -> Response:
    """One report table as CSV over the range (the file name carries it)."""
    span = _span(start, end)
    table = next((t for t in build(ctx, span) if t.name == name), None)
    if table is None:
        raise NotFound(f"Report table {name} not found")
    suffix = "".join(f"_{d}" for d in (span.start, span.end) if d) if span.start or span.end else ""
    headers = {"Content-Disposition": f'attachment; filename="{name}{suffix}.csv"'}
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/api/reports/tickets", tags=["reports"])
def report_api(ctx: Ctx, user: RequireAgent, start: From = "", end: To = "") -> dict[str, Any]:
    """Every report table as columns and rows, over ``from``..``to`` (days in the portal's time zone, both included)."""
    span = _span(start, end)
    return {t.name: {"title": t.title, "columns": t.columns, "rows": t.rows} for t in build(ctx, span)}

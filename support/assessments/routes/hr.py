"""The HR API: certificates and holders with their status, as JSON or CSV, for a bearer token of its own.

It is off until ``PORTAL_HR_API_TOKEN`` is set; a browser session does not open it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer

from support.assessments import service as assessments
from support.errors import Unauthorized
from support.web.deps import Ctx

bearer = HTTPBearer(auto_error=False, scheme_name="HR API token",
                    description="PORTAL_HR_API_TOKEN, sent as `Authorization: Bearer <token>`.")


async def hr_token(request: Request, ctx: Ctx, _: Annotated[Any, Depends(bearer)]) -> None:
    """Refuse a request without the HR API token (401, whatever session it has)."""
    if not assessments.hr_token_ok(ctx, request.headers.get("authorization", "")):
        raise Unauthorized("The HR API needs its token: Authorization: Bearer <PORTAL_HR_API_TOKEN>")


router = APIRouter(prefix="/api/hr", tags=["hr"], dependencies=[Depends(hr_token)])
Format = Literal["json", "csv"]
CSV = {"content": {"text/csv": {}}, "description": "With ``format=csv``: the same rows as CSV."}


def _csv(name: str, rows: list[dict[str, Any]]) -> Response:
    table = assessments.hr_table(name, rows)
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{table.name}.csv"', "Cache-Control": "no-store"})


@router.get("/certificates", responses={200: CSV})
def certificates(ctx: Ctx, format: Format = "json") -> Any:
    """Every certificate: code, holder's email and name, certificate, role, score, issued, expires, status (valid,
    expired or revoked), when and why revoked."""
    rows = assessments.hr_certificates(ctx)
    return _csv("certificates", rows) if format == "csv" else rows


@router.get("/holders", responses={200: CSV})
def holders(ctx: Ctx, format: Format = "json") -> Any:
    """Each holder: certificates by status, the roles they hold a valid certificate for, the soonest valid expiry."""
    rows = assessments.hr_holders(ctx)
    return _csv("holders", rows) if format == "csv" else rows

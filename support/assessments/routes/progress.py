"""The learner's dashboard, certification tracking for managers (agents, trainers, admins) and assessment reports for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.context import Context
from support.web.deps import Csrf, Ctx, FormDep, RequireAdmin, RequireTracker, SignedIn
from support.errors import NotFound
from support.web.pages import redirect, render
from support.tables import Table

router = APIRouter()
Expiring = Annotated[int, Query(ge=0, le=3650, description="Days ahead that count as expiring soon.")]


def _rows(ctx: Context, catalog: assessments.Catalog, expiring: int) -> list[dict[str, Any]]:
    return assessments.learner_rows(ctx.db, assessments.kb_pages(ctx), ctx.now(), expiring, catalog.role_title)


def _csv(table: Table) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{table.name}.csv"'}
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/support/me", include_in_schema=False)
def dashboard(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn) -> Response:
    """My learning: roles, learning path progress, attempts, certificates and what to retake."""
    data = assessments.learning(ctx, catalog, user)
    return render(request, "assessments/me.html", {"me": data})


@router.post("/support/me/roles", include_in_schema=False, dependencies=[Csrf])
def pick_roles(ctx: Ctx, catalog: CatalogDep, user: SignedIn, form: FormDep) -> Response:
    """Set the roles the learner is working toward."""
    assessments.set_roles(ctx.db, user["id"], [str(r) for r in form.getlist("role")], catalog, ctx.now())
    return redirect("/support/me#roles")


@router.post("/support/me/read", include_in_schema=False, dependencies=[Csrf])
def mark_read(ctx: Ctx, user: SignedIn, form: FormDep) -> Response:
    """Mark a learning path's article or runbook read (``read=0``: not read)."""
    page_id = str(form.get("page", ""))
    if assessments.kb_pages(ctx).get(page_id) is None:
        raise NotFound(f"Article {page_id} not found")
    assessments.mark_read(ctx.db, user["id"], page_id, str(form.get("read", "1")) != "0", ctx.now())
    return redirect(f"/support/me#step-{page_id}")


@router.get("/api/me/learning", tags=["assessments"])
def dashboard_api(ctx: Ctx, catalog: CatalogDep, user: SignedIn) -> dict[str, Any]:
    """Your roles, learning path progress, attempts, certificates, what to retake, training assigned, retention checks."""
    return assessments.learning(ctx, catalog, user)


@router.get("/support/certifications", include_in_schema=False)
def certifications(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTracker, expiring: Expiring = 30) -> Response:
    """Per role: who is certified, expiring within N days, expired or never certified, and content-changed flags."""
    rows = _rows(ctx, catalog, expiring)
    summary = assessments.tracking_tables(rows, expiring)[0]
    return render(request, "assessments/certifications.html",
                  {"groups": assessments.tracking_by_role(rows), "expiring": expiring, "summary": summary})


@router.get("/support/certifications/{name}.csv", include_in_schema=False)
def certifications_csv(ctx: Ctx, catalog: CatalogDep, user: RequireTracker, name: str, expiring: Expiring = 30) -> Response:
    """One tracking table as CSV (certification_summary, expiring, expired, content_changed, certification_status)."""
    table = next((t for t in assessments.tracking_tables(_rows(ctx, catalog, expiring), expiring) if t.name == name), None)
    if table is None:
        raise NotFound(f"Report table {name} not found")
    return _csv(table)


@router.get("/api/certifications", tags=["certifications"])
def certifications_api(ctx: Ctx, catalog: CatalogDep, user: RequireTracker, expiring: Expiring = 30) -> dict[str, Any]:
    """Managers: every learner's certification status per role, as rows."""
    return {"expiring_days": expiring, "roles": assessments.tracking_by_role(_rows(ctx, catalog, expiring))}


@router.get("/support/assessment-reports", include_in_schema=False)
def reports_page(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireAdmin) -> Response:
    """Pass rate per assessment, with links to each one's score distribution and item analysis."""
    return render(request, "assessments/reports.html", {"summary": assessments.report_summary(ctx.db, catalog)})


@router.get("/support/assessment-reports/{name}.csv", include_in_schema=False)
def report_csv(ctx: Ctx, catalog: CatalogDep, user: RequireAdmin, name: str) -> Response:
    """A report table as CSV: ``quiz_summary``, ``<quiz>-scores`` or ``<quiz>-items``."""
    if name == "quiz_summary":
        return _csv(assessments.report_summary(ctx.db, catalog))
    quiz_id, _, kind = name.rpartition("-")
    if kind not in ("scores", "items") or quiz_id not in catalog.quizzes:
        raise NotFound(f"Report table {name} not found")
    tables = assessments.quiz_report(ctx.db, catalog, quiz_id, assessments.kb_pages(ctx))
    return _csv(tables[0] if kind == "scores" else tables[1])


@router.get("/support/assessment-reports/{quiz_id}", include_in_schema=False)
def quiz_report_page(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireAdmin, quiz_id: str) -> Response:
    """One assessment: score distribution (chart and table) and item analysis with the most-missed questions."""
    scores, items = assessments.quiz_report(ctx.db, catalog, quiz_id, assessments.kb_pages(ctx))
    return render(request, "assessments/quiz_report.html", {"quiz": catalog.quiz(quiz_id), "scores": scores, "items": items,
                                                             "missed": assessments.most_missed(items)})


@router.get("/api/reports/assessments", tags=["reports"])
def reports_api(ctx: Ctx, catalog: CatalogDep, user: RequireAdmin) -> dict[str, Any]:
    """Admins: pass rate per assessment."""
    table = assessments.report_summary(ctx.db, catalog)
    return {"columns": table.columns, "rows": table.rows}


@router.get("/api/reports/assessments/{quiz_id}", tags=["reports"])
def quiz_report_api(ctx: Ctx, catalog: CatalogDep, user: RequireAdmin, quiz_id: str) -> dict[str, Any]:
    """Admins: one assessment's score distribution and item analysis (facility, discrimination) over first attempts."""
    tables = assessments.quiz_report(ctx.db, catalog, quiz_id, assessments.kb_pages(ctx))
    return {t.name.removeprefix(f"{quiz_id}-"): {"columns": t.columns, "rows": t.rows} for t in tables}

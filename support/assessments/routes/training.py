"""Trainers' pages: cohorts and their members, roles assigned with a due date, the training report and its CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.context import Context
from support.errors import Conflict, NotFound
from support.schemas import Id
from support.periods import ReportRange, range_errors
from support.web.deps import Csrf, Ctx, FormDep, RequireTrainer
from support.web.pages import redirect, render

router = APIRouter(prefix="/support/training", include_in_schema=False)
REPORT_DAYS = 90  # the report's range when none is given: the 90 days up to today


def _home(request: Request, ctx: Context, catalog: Any, status: int = 200, **extra: Any) -> Response:
    context = {"cohorts": assessments.cohorts.listing(ctx.db), "assignments": assessments.assignments.listing(ctx.db),
               "roles": sorted(catalog.roles.values(), key=lambda r: r.title), "role_title": catalog.role_title,
               "errors": {}, "values": {}, **extra}
    return render(request, "assessments/training.html", context, status=status)


@router.get("")
def home(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer) -> Response:
    """Cohorts, assignments, and the forms to add them."""
    return _home(request, ctx, catalog)


@router.post("/cohorts", dependencies=[Csrf])
def add_cohort(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, form: FormDep) -> Response:
    """Create a cohort; a missing or taken name is shown beside the field with the text kept."""
    name = str(form.get("name", ""))
    problem = assessments.cohorts.check_name(name)
    if problem is None:
        try:
            cohort_id = assessments.cohorts.create(ctx.db, name, user["id"], ctx.now())
        except Conflict as exc:
            problem = exc.detail
    if problem:
        return _home(request, ctx, catalog, 422, errors={"name": problem}, values={"name": name})
    return redirect(f"/support/training/cohorts/{cohort_id}")


def _cohort(request: Request, ctx: Context, cohort_id: int, status: int = 200, **extra: Any) -> Response:
    context = {"cohort": assessments.cohorts.get(ctx.db, cohort_id), "members": assessments.cohorts.members(ctx.db, cohort_id),
               "errors": {}, "values": {}, **extra}
    return render(request, "assessments/cohort.html", context, status=status)


@router.get("/cohorts/{cohort_id}")
def cohort(request: Request, ctx: Ctx, user: RequireTrainer, cohort_id: Id) -> Response:
    """A cohort's members and the form to add one by email."""
    return _cohort(request, ctx, cohort_id)


@router.post("/cohorts/{cohort_id}/members", dependencies=[Csrf])
def add_member(request: Request, ctx: Ctx, user: RequireTrainer, cohort_id: Id, form: FormDep) -> Response:
    """Add the account with the email given; an unknown email is shown beside the field."""
    email = str(form.get("email", ""))
    try:
        assessments.cohorts.add_member(ctx.db, cohort_id, email, ctx.now())
    except NotFound as exc:
        return _cohort(request, ctx, cohort_id, 422, errors={"email": exc.detail}, values={"email": email})
    return redirect(f"/support/training/cohorts/{cohort_id}")


@router.post("/cohorts/{cohort_id}/members/{user_id}/remove", dependencies=[Csrf])
def remove_member(ctx: Ctx, user: RequireTrainer, cohort_id: Id, user_id: Id) -> Response:
    """Take a learner out of the cohort."""
    assessments.cohorts.remove_member(ctx.db, cohort_id, user_id)
    return redirect(f"/support/training/cohorts/{cohort_id}")


@router.post("/assignments", dependencies=[Csrf])
def assign(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, form: FormDep) -> Response:
    """Assign a role's learning path to a cohort or to one learner (by email) with a due date."""
    values = {k: str(form.get(k, "")) for k in ("role", "cohort", "email", "due")}
    errors, target = _assignment_errors(ctx, catalog, values)
    if errors:
        return _home(request, ctx, catalog, 422, errors=errors, values=values)
    assessments.assignments.assign(ctx.db, values["role"], assessments.assignments.parse_due(values["due"]), user["id"], ctx.now(), **target)
    return redirect("/support/training#assignments")


def _assignment_errors(ctx: Context, catalog: Any, values: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    errors: dict[str, str] = {}
    if values["role"] not in catalog.roles:
        errors["role"] = "Choose one of the portal's roles."
    if assessments.assignments.parse_due(values["due"]) is None:
        errors["due"] = "Enter the due date as YYYY-MM-DD."
    target: dict[str, int] = {}
    if values["cohort"] and values["email"].strip():
        errors["email"] = "Choose a cohort or a learner, not both."
    elif values["cohort"]:
        found = [c for c in assessments.cohorts.listing(ctx.db) if str(c["id"]) == values["cohort"]]
        target = {"cohort_id": found[0]["id"]} if found else {}
        if not found:
            errors["cohort"] = "Choose one of the cohorts."
    else:
        learner = assessments.learner_by_email(ctx.db, values["email"])
        target = {"user_id": learner["id"]} if learner else {}
        if not learner:
            errors["email"] = f"No account with email {values['email'].strip()}" if values["email"].strip() else "Choose a cohort or enter a learner's email."
    return errors, target


@router.post("/assignments/{assignment_id}/remove", dependencies=[Csrf])
def unassign(ctx: Ctx, user: RequireTrainer, assignment_id: Id) -> Response:
    """Withdraw an assignment."""
    assessments.assignments.remove(ctx.db, assignment_id)
    return redirect("/support/training#assignments")


def _span(request: Request) -> ReportRange:
    """The report's days from ``?from=&to=`` (as the ticket reports take them; ``start``/``end`` still read), unvalidated text kept."""
    given = {key: request.query_params.get(key, request.query_params.get(old, "")) for key, old in (("from", "start"), ("to", "end"))}
    return ReportRange.model_validate(given)


def _scope(span: ReportRange, cohort: int | None, role: str | None, today: dt.date) -> Any:
    """The report's scope: the range asked for, else the ``REPORT_DAYS`` up to today (an open end is today)."""
    end = span.end or today
    return assessments.training_report.Scope(span.start or end - dt.timedelta(days=REPORT_DAYS), end, cohort, role or None)


Cohort = Annotated[int | None, Query(ge=1)]
Role = Annotated[str | None, Query(max_length=100)]


@router.get("/report")
def report(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, cohort: Cohort = None, role: Role = None) -> Response:
    """Completion, pass rates, time to proficiency, overdue, certificates due and retention per cohort and role."""
    listing = {"cohorts": assessments.cohorts.listing(ctx.db), "roles": sorted(catalog.roles.values(), key=lambda r: r.title),
               "targets": assessments.training_report.TARGETS}
    try:
        scope = _scope(_span(request), cohort, role, ctx.now().date())
    except ValidationError as exc:
        given = {key: request.query_params.get(key, request.query_params.get(old, "")) for key, old in (("from", "start"), ("to", "end"))}
        return render(request, "assessments/training_report.html",
                      {**listing, "tables": [], "errors": range_errors(exc), "given": given, "scope": None, "query": ""}, status=422)
    tables = assessments.training_tables(ctx, catalog, scope)
    given = {"from": scope.start.isoformat(), "to": scope.end.isoformat()}
    return render(request, "assessments/training_report.html",
                  {**listing, "tables": tables, "scope": scope, "errors": {}, "given": given, "query": request.url.query})


@router.get("/report/{name}.csv")
def report_csv(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, name: str, cohort: Cohort = None,
               role: Role = None) -> Response:
    """One table of the training report as CSV: training_summary, training_overdue, training_certificates, retention_forgotten."""
    try:
        span = _span(request)
    except ValidationError as exc:
        raise RequestValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}
                                      for field, message in range_errors(exc).items()]) from None
    tables = assessments.training_tables(ctx, catalog, _scope(span, cohort, role, ctx.now().date()))
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise NotFound(f"Report table {name} not found")
    headers = {"Content-Disposition": f'attachment; filename="{table.name}.csv"'}
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8", headers=headers)

"""Extra time for a learner (WCAG 2.2.1): trainers and admins grant and withdraw it; the server adds it to the limit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.schemas import Id
from support.web.deps import Csrf, Ctx, FormDep, RequireTrainer
from support.web.pages import redirect, render

router = APIRouter(prefix="/support/accommodations", include_in_schema=False)
FIELDS = ("email", "extra_minutes", "quiz_id", "note")


def _page(request: Request, ctx: Ctx, catalog: CatalogDep, form: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    timed = sorted((q for q in catalog.quizzes.values() if q.time_limit_minutes), key=lambda q: q.title)
    titles = {q.id: q.title for q in catalog.quizzes.values()}
    grants = [{**g, "quiz_title": titles.get(g["quiz_id"], g["quiz_id"]) if g["quiz_id"] else "Every timed assessment"}
              for g in assessments.extra_time_grants(ctx)]
    return render(request, "assessments/accommodations.html",
                  {"grants": grants, "quizzes": timed, "form": form, "errors": errors}, status=status)


@router.get("")
def page(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, granted: bool = False) -> Response:
    """The extra-time grants, and the form to grant one."""
    return _page(request, ctx, catalog, {"notice": "Extra time granted." if granted else None}, {})


@router.post("", dependencies=[Csrf])
def grant(request: Request, ctx: Ctx, catalog: CatalogDep, user: RequireTrainer, form: FormDep) -> Response:
    """Grant (or change) a learner's extra time; a wrong field re-shows the form with what was typed and why."""
    fields = {k: str(form.get(k, "")) for k in FIELDS}
    errors = assessments.grant_extra_time(ctx, catalog, fields, user)
    if errors:
        return _page(request, ctx, catalog, fields, errors, status=422)
    return redirect("/support/accommodations?granted=1")


@router.post("/{user_id}/withdraw", dependencies=[Csrf])
def withdraw(ctx: Ctx, user: RequireTrainer, user_id: Id, form: FormDep) -> Response:
    """Withdraw a grant (attempts already started keep their deadline)."""
    assessments.withdraw_extra_time(ctx, user_id, str(form.get("quiz_id", "")))
    return redirect("/support/accommodations")

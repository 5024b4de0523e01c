"""Assessment pages: the rules and start button, the attempt form (works without JavaScript), the result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.web.deps import Csrf, Ctx, CurrentUser, FormDep, SignedIn
from support.errors import Conflict
from support.web.pages import redirect, render
from support.assessments.forms import for_grading, problem_messages, read_form
from support.schemas import Id

router = APIRouter(prefix="/support", include_in_schema=False)
HEAD = {"Cache-Control": "no-store"}


@router.get("/assessments")
def index(request: Request, ctx: Ctx, catalog: CatalogDep, user: CurrentUser) -> Response:
    """Every assessment with its role, pass mark and certificate."""
    quizzes = [assessments.quiz_info(ctx, catalog, q, None) for q in sorted(catalog.quizzes.values(), key=lambda q: q.title)]
    return render(request, "assessments/index.html", {"quizzes": quizzes})


@router.get("/assessments/{quiz_id}")
def rules(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, quiz_id: str) -> Response:
    """The rules of an assessment, the learner's attempts left, and the start button (or why not yet)."""
    quiz = catalog.quiz(quiz_id)
    return render(request, "assessments/rules.html", {"quiz": assessments.quiz_info(ctx, catalog, quiz, user), "error": None})


@router.post("/assessments/{quiz_id}", dependencies=[Csrf])
def start(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, quiz_id: str) -> Response:
    """Start an attempt and go to it; an attempt in progress is resumed; a refusal says why and when."""
    quiz = catalog.quiz(quiz_id)
    try:
        attempt = assessments.start(ctx, quiz, user)
    except Conflict as exc:
        info = assessments.quiz_info(ctx, catalog, quiz, user)
        if info["standing"]["open_attempt"]:
            return redirect(f"/support/attempts/{info['standing']['open_attempt']}")
        return render(request, "assessments/rules.html", {"quiz": info, "error": exc.detail}, status=409)
    return redirect(f"/support/attempts/{attempt['id']}")


@router.get("/attempts/{attempt_id}")
def attempt_page(request: Request, ctx: Ctx, user: SignedIn, attempt_id: Id, saved: bool = False) -> Response:
    """The questions of an attempt as a form, with the answers saved so far; a submitted one shows its result."""
    attempt = assessments.owned(ctx, attempt_id, user)
    if attempt["status"] == "submitted":
        return redirect(f"/support/attempts/{attempt_id}/result")
    return _form(request, ctx, attempt, notice="Your answers are saved." if saved else None)


@router.post("/attempts/{attempt_id}", dependencies=[Csrf])
def post_attempt(request: Request, ctx: Ctx, user: SignedIn, attempt_id: Id, form: FormDep) -> Response:
    """Save the answers (``action=save``) or submit them for grading (``action=submit``); after the time limit, submit."""
    attempt = assessments.owned(ctx, attempt_id, user, close=False)
    assessments.check_open(attempt)
    if assessments.is_over(attempt, ctx.now()):
        assessments.submit(ctx, attempt, None)
        return redirect(f"/support/attempts/{attempt_id}/result")
    questions = assessments.attempt_view(ctx, attempt)["questions"]
    answers, errors = read_form(questions, form)
    flagged, flag_errors = assessments.read_flags(questions, form.getlist("flag"))
    errors |= problem_messages(assessments.problems(ctx.db, attempt, for_grading(answers, errors))) | flag_errors
    if form.get("action") == "submit" and not errors:
        assessments.submit(ctx, attempt, answers)
        return redirect(f"/support/attempts/{attempt_id}/result")
    assessments.save_answers(ctx.db, attempt, for_grading(answers, errors), ctx.now())
    assessments.save_flags(ctx, attempt, flagged)
    if errors:
        return _form(request, ctx, assessments.attempt(ctx.db, attempt_id), draft=answers, errors=errors, status=422)
    if form.get("action") == "review":
        return redirect(f"/support/attempts/{attempt_id}/review")
    return redirect(f"/support/attempts/{attempt_id}?saved=1#status")


@router.get("/attempts/{attempt_id}/review")
def review_page(request: Request, ctx: Ctx, user: SignedIn, attempt_id: Id) -> Response:
    """Before grading: how many questions are answered, which are unanswered or flagged (each linked), and the confirmation."""
    attempt = assessments.owned(ctx, attempt_id, user)
    if attempt["status"] == "submitted":
        return redirect(f"/support/attempts/{attempt_id}/result")
    response = render(request, "assessments/review.html", {"summary": assessments.submission_summary(ctx, attempt)})
    response.headers.update(HEAD)
    return response


@router.post("/attempts/{attempt_id}/submit", dependencies=[Csrf])
def confirm_submit(ctx: Ctx, user: SignedIn, attempt_id: Id) -> Response:
    """The confirmation: grade the answers saved (after the time limit, those saved in time, as the quiz says)."""
    attempt = assessments.owned(ctx, attempt_id, user, close=False)
    assessments.check_open(attempt)
    assessments.submit(ctx, attempt, None)
    return redirect(f"/support/attempts/{attempt_id}/result")


def _form(request: Request, ctx: Ctx, attempt: dict[str, Any], draft: dict | None = None, errors: dict | None = None,
          notice: str | None = None, status: int = 200) -> Response:
    view = assessments.attempt_view(ctx, attempt)
    context = {"attempt": view, "answers": draft if draft is not None else view["answers"], "errors": errors or {}, "notice": notice,
               "flags": view["flags"]}
    response = render(request, "assessments/attempt.html", context, status=status)
    response.headers.update(HEAD)
    return response


@router.get("/attempts/{attempt_id}/result")
def result_page(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, attempt_id: Id) -> Response:
    """Score, pass or fail, the review the quiz allows, what to study and the certificate if one was issued."""
    attempt = assessments.owned(ctx, attempt_id, user)
    if attempt["status"] != "submitted":
        return redirect(f"/support/attempts/{attempt_id}")
    result = assessments.result_view(ctx, catalog, assessments.graded(ctx.db, attempt), assessments.public_base(request, ctx))
    return render(request, "assessments/result.html", {"result": result})

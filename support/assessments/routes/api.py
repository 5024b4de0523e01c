"""The JSON API of assessments and attempts (schema at /api/openapi.json).

Nothing answered before submission carries an answer key: attempts show the public paper only.
State changes from a signed-in session need the ``X-CSRF-Token`` header; someone else's attempt
is a 404, exactly like an attempt that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import to_json

from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.web.deps import Csrf, Ctx, CurrentUser, SignedIn
from support.schemas import Id

router = APIRouter(prefix="/api", tags=["assessments"])


def _storable(answers: dict[str, Any]) -> dict[str, Any]:
    """Refuse a lone surrogate such as ``"\\ud800"``: valid JSON, but no text that can be stored or sent back."""
    try:
        to_json(answers)
    except ValueError:
        raise ValueError("the answers hold text that is not valid Unicode (a lone surrogate such as \\ud800)") from None
    return answers


Answers = Annotated[dict[str, Any], AfterValidator(_storable)]


class AnswersIn(BaseModel):
    """Answers keyed by question id (shapes per question type in ``support.assessments.grading``); null means unanswered."""

    model_config = ConfigDict(extra="forbid")
    answers: Answers = Field(description="Replaces the saved answers as a whole.")
    flags: list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=500, description="The question ids flagged to come back to (replaces the saved flags); left out: unchanged.")


class SubmitIn(BaseModel):
    """Optional final answers; without them the saved answers are graded."""

    model_config = ConfigDict(extra="forbid")
    answers: Answers | None = None


def unprocessable(exc: assessments.InvalidAnswers) -> RequestValidationError:
    """Grading's per-field problems as the API's usual 422 body."""
    return RequestValidationError([{"loc": ("body", "answers", *loc), "msg": msg, "type": "value_error"} for loc, msg in exc.problems])


@router.get("/assessments")
def list_assessments(ctx: Ctx, catalog: CatalogDep, user: CurrentUser) -> list[dict[str, Any]]:
    """Every assessment's public rules (and, signed in, your standing with it)."""
    return [assessments.quiz_info(ctx, catalog, q, user) for q in sorted(catalog.quizzes.values(), key=lambda q: q.title)]


@router.get("/assessments/{quiz_id}")
def get_assessment(ctx: Ctx, catalog: CatalogDep, user: SignedIn, quiz_id: str) -> dict[str, Any]:
    """An assessment's rules, and your attempts used and left, and when the next may start."""
    return assessments.quiz_info(ctx, catalog, catalog.quiz(quiz_id), user)


@router.post("/assessments/{quiz_id}/attempts", status_code=201, dependencies=[Csrf])
def start_attempt(ctx: Ctx, catalog: CatalogDep, user: SignedIn, quiz_id: str) -> dict[str, Any]:
    """Start an attempt: 201 with its questions; 409 with the reason (and time) when the rules refuse."""
    attempt = assessments.start(ctx, catalog.quiz(quiz_id), user)
    return assessments.attempt_view(ctx, attempt)


@router.get("/attempts/{attempt_id}")
def get_attempt(ctx: Ctx, user: SignedIn, attempt_id: Id) -> dict[str, Any]:
    """Your attempt: its questions as presented, the answers saved and the seconds left."""
    return assessments.attempt_view(ctx, assessments.owned(ctx, attempt_id, user))


@router.put("/attempts/{attempt_id}/answers", dependencies=[Csrf])
def save_answers(ctx: Ctx, user: SignedIn, attempt_id: Id, body: AnswersIn) -> dict[str, Any]:
    """Save answers in progress (422 per field for unknown questions or options; 409 after the time limit)."""
    attempt = assessments.owned(ctx, attempt_id, user, close=False)
    try:
        saved = assessments.save_answers(ctx.db, attempt, body.answers, ctx.now())
    except assessments.InvalidAnswers as exc:
        raise unprocessable(exc) from None
    if body.flags is not None:
        flagged, errors = assessments.read_flags(assessments.attempt_view(ctx, saved)["questions"], body.flags)
        if errors:
            raise RequestValidationError([{"loc": ("body", "flags", value), "msg": message, "type": "value_error"}
                                          for value, message in errors.items()])
        assessments.save_flags(ctx, saved, flagged)
        saved = assessments.owned(ctx, attempt_id, user, close=False)
    view = assessments.attempt_view(ctx, saved)
    return {k: view[k] for k in ("id", "answers", "flags", "saved_at", "remaining_seconds")}


@router.post("/attempts/{attempt_id}/submit", dependencies=[Csrf], response_class=JSONResponse,
             responses={200: {"description": "The result: the same fields as ``GET /api/attempts/{attempt_id}/result``."}})
async def submit_attempt(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, attempt_id: Id,
                   body: SubmitIn | None = None) -> Response:
    """Submit for grading once (409 the second time); returns the result the quiz's review policy allows."""
    attempt = assessments.owned(ctx, attempt_id, user, close=False)
    try:
        done = await ctx.db.write(assessments.submit, ctx, attempt, body.answers if body else None)
    except assessments.InvalidAnswers as exc:
        raise unprocessable(exc) from None
    base = assessments.public_base(request, ctx) if done.certificate else ""  # only a certificate links back
    # the view is plain JSON data already: pydantic-core writes its ~13 KB in 55 us, where FastAPI's validation and
    # encoding of a dict[str, Any] took longer and json.dumps 160 us
    return Response(to_json(assessments.result_view(ctx, catalog, done, base)), media_type="application/json")


@router.get("/attempts/{attempt_id}/result")
def get_result(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, attempt_id: Id) -> dict[str, Any]:
    """The result of your submitted attempt (409 before submission)."""
    attempt = assessments.owned(ctx, attempt_id, user)
    return assessments.result_view(ctx, catalog, assessments.graded(ctx.db, attempt), assessments.public_base(request, ctx))

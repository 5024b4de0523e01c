"""Which mail a signed-in agent or learner gets: one checkbox per kind they may turn off."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.notifications import service
from support.web.deps import Csrf, Ctx, FormDep, SignedIn
from support.web.pages import render

router = APIRouter(prefix="/support/account/mail", include_in_schema=False)


@router.get("")
def mail_choices(request: Request, ctx: Ctx, user: SignedIn) -> Response:
    """The kinds of mail one may turn off, each with whether it is on."""
    return _page(request, ctx, user["email"])


@router.post("", dependencies=[Csrf])
def save_choices(request: Request, ctx: Ctx, user: SignedIn, form: FormDep) -> Response:
    """Keep the kinds ticked, turn the others off."""
    service.choose(ctx.db, user["email"], {str(k) for k in form.getlist("kind")})
    return _page(request, ctx, user["email"], saved=True)


def _page(request: Request, ctx: Ctx, email: str, saved: bool = False) -> Response:
    return render(request, "mail_choices.html", {"choices": service.choices(ctx.db, email), "labels": service.OPTIONAL,
                                                 "saved": saved})

"""Which mail a signed-in agent or learner gets: one checkbox per kind they may turn off, and at once or in a daily digest."""

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
    modes = {kind: str(form.get(f"mode_{kind}", "")) for kind in service.OPTIONAL}
    service.choose_modes(ctx.db, user["email"], {service.EVERY: str(form.get("mode_all", "immediate")), **modes})
    return _page(request, ctx, user["email"], saved=True)


def _page(request: Request, ctx: Ctx, email: str, saved: bool = False) -> Response:
    return render(request, "mail_choices.html", {"choices": service.choices(ctx.db, email), "labels": service.OPTIONAL,
                                                 "modes": service.delivery_modes(ctx.db, email), "saved": saved,
                                                 "digest_hour": ctx.settings.digest_hour})

"""Sign in and out (session cookie), and the backend's home page."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support import accounts
from support.deps import Csrf, Ctx, CurrentUser, FormDep
from support.pages import redirect, render, safe_next

router = APIRouter(prefix="/support", include_in_schema=False)


def home_for(user: dict | None) -> str:
    """Where a user lands after signing in."""
    return "/support/queue" if accounts.has_role(user, "agent") else "/support/my"


@router.get("/")
def home(request: Request, user: CurrentUser) -> Response:
    """The backend's start page: links to filing a ticket, one's tickets or the queue."""
    return render(request, "home.html")


@router.get("/login")
def login_form(request: Request, user: CurrentUser, next: str = "") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": safe_next(next, ""), "errors": {}, "email": ""})


@router.post("/login", dependencies=[Csrf])
def login(request: Request, ctx: Ctx, form: FormDep) -> Response:
    """Check email and password; on success start a fresh session (new CSRF token) and continue."""
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    user = accounts.authenticate(ctx.db, email, password)
    if user is None:
        context = {"next": safe_next(str(form.get("next", "")), ""), "email": email,
                   "errors": {"form": "Email or password is wrong, or the account is disabled."}}
        return render(request, "login.html", context, status=401)
    request.session.clear()
    request.session.update(uid=user["id"], csrf=secrets.token_urlsafe(32))
    request.state.user = user
    return redirect(safe_next(str(form.get("next", "")), home_for(user)))


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return redirect("/support/")

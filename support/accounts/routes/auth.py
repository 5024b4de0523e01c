"""Sign in (throttled) and out, the account page (change password), and the backend's home page."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from support.accounts import service as accounts
from support.timezones import zones
from support.web.deps import Csrf, Ctx, CurrentUser, FormDep, SignedIn, client_address
from support.web.pages import redirect, render, safe_next

router = APIRouter(prefix="/support", include_in_schema=False)
DEVICE_COOKIE = "portal_device"
# A hint readable by the site's pages (no secret in it): only with it does a page ask the backend who is signed in,
# so an anonymous reader, or a site hosted without the backend, makes no such request.
SIGNED_IN_HINT = "portal_signed_in"
DEVICE_MAX_AGE = 365 * 24 * 3600


def home_for(user: dict | None) -> str:
    """Where a user lands after signing in."""
    if accounts.has_role(user, "agent"):
        return "/support/queue"
    return "/support/training" if accounts.has_role(user, "trainer") else "/support/my"


def _devices(ctx: Ctx) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.settings.secret_key.get_secret_value(), salt="known-device")


def _known_device(request: Request, ctx: Ctx, email: str) -> bool:
    """True if this browser signed in to the account of ``email`` before (its device cookie names that account)."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        known = _devices(ctx).loads(cookie, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(known, str) and known == email.strip().lower()


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
    """Check email and password, unless sign-in is throttled for them (429); on success start a fresh server session."""
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:1000]
    client, now = client_address(request), ctx.now()
    context = {"next": safe_next(str(form.get("next", "")), ""), "email": email}
    outcome = accounts.sign_in(ctx.db, email, password, client, _known_device(request, ctx, email), now, ctx.settings.session_max_age)
    if outcome.wait:
        context["errors"] = {"form": f"Too many failed sign-ins. Wait {outcome.wait} seconds, then try again."}
        response = render(request, "login.html", context, status=429)
        response.headers["Retry-After"] = str(outcome.wait)
        return response
    if outcome.user is None:
        context["errors"] = {"form": "Email or password is wrong, or the account is disabled."}
        return render(request, "login.html", context, status=401)
    user = outcome.user
    accounts.end_session(ctx.db, request.session.get("sid"))  # the browser's previous session, if any
    request.session.clear()
    request.session.update(sid=outcome.session_id, csrf=secrets.token_urlsafe(32))
    request.state.user = user
    response = redirect(safe_next(str(form.get("next", "")), home_for(user)))
    response.set_cookie(DEVICE_COOKIE, _devices(ctx).dumps(user["email"].lower()), max_age=DEVICE_MAX_AGE, path="/support",
                        httponly=True, samesite="lax", secure=ctx.settings.base_url.startswith("https://"))
    response.set_cookie(SIGNED_IN_HINT, "1", path="/", samesite="lax", secure=ctx.settings.base_url.startswith("https://"))
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, ctx: Ctx) -> Response:
    """End the session on the server and in the browser."""
    accounts.end_session(ctx.db, request.session.get("sid"))
    request.session.clear()
    response = redirect("/support/")
    response.delete_cookie(SIGNED_IN_HINT, path="/")
    return response


@router.get("/account")
def account(request: Request, ctx: Ctx, user: SignedIn) -> Response:
    """The signed-in user's account: who they are, the time zone their pages show times in, the change-password form."""
    shown = {"changed": request.query_params.get("changed") == "1", "zone_changed": request.query_params.get("zone") == "1"}
    return render(request, "account.html", _account_view(ctx, user, shown))


def _account_view(ctx: Ctx, user: dict, extra: dict) -> dict:
    """What the account page shows besides the user: their zone choice, the zones, the errors and confirmations."""
    return {"errors": {}, "zones": sorted(zones()), "zone_choice": accounts.chosen_time_zone(ctx.db, user["id"]), **extra}


@router.post("/account/time-zone", dependencies=[Csrf])
def change_time_zone(request: Request, ctx: Ctx, user: SignedIn, form: FormDep) -> Response:
    """Choose the time zone one's pages show times in (empty: the portal's)."""
    zone = str(form.get("time_zone", "")).strip()[:100]
    if zone and zone not in zones():
        errors = {"time_zone": f"{zone!r} is not a time zone; choose one from the list, e.g. Europe/Berlin"}
        return render(request, "account.html", _account_view(ctx, user, {"errors": errors, "zone_choice": zone}), status=422)
    accounts.set_time_zone(ctx.db, user["id"], zone)
    return redirect("/support/account?zone=1")


@router.post("/account/password", dependencies=[Csrf])
def change_password(request: Request, ctx: Ctx, user: SignedIn, form: FormDep) -> Response:
    """Change one's password: the current one first; every other session of the account ends."""
    current, new, again = (str(form.get(k, ""))[:1000] for k in ("current", "new", "again"))
    errors = {}
    check = accounts.check_password(ctx.db, user, current, client_address(request), ctx.now())
    if check.wait:
        errors["current"] = f"Too many wrong passwords. Wait {check.wait} seconds, then try again."
    elif check.user is None:
        errors["current"] = "This is not your current password."
    if len(new) < accounts.MIN_PASSWORD:
        errors["new"] = f"Use at least {accounts.MIN_PASSWORD} characters."
    elif new != again:
        errors["again"] = "The two new passwords differ."
    if errors:
        return render(request, "account.html", _account_view(ctx, user, {"errors": errors}), status=422)
    accounts.set_password(ctx.db, user["id"], new, keep_session=request.session.get("sid"))
    return redirect("/support/account?changed=1")

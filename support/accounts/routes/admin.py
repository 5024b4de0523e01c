"""User management for admins: list, add, change role, disable (pages and API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from support.accounts import service as accounts
from support.web.deps import Csrf, Ctx, FormDep, RequireAdmin
from support.errors import Conflict, Forbidden
from support.web.pages import redirect, render
from support.accounts.schemas import PasswordReset, UserCreate, UserPublic, UserUpdate
from support.schemas import Id, field_errors

router = APIRouter()


DONE = {"name": "The name was saved.", "password": "The password was reset; that account's sessions were ended.",
        "role": "The account was changed.", "added": "The user was added."}


def _users_page(request: Request, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    done = DONE.get(request.query_params.get("done", ""))
    context = {"users": accounts.list_users(ctx.db), "errors": {}, "values": {"role": "agent"}, "done": done, **extra}
    return render(request, "admin_users.html", context, status=status)


@router.get("/support/admin/users", include_in_schema=False)
def users_page(request: Request, ctx: Ctx, user: RequireAdmin) -> Response:
    """Every account, with forms to add one and to change role or disable."""
    return _users_page(request, ctx)


@router.post("/support/admin/users", include_in_schema=False, dependencies=[Csrf])
def add_user_form(request: Request, ctx: Ctx, user: RequireAdmin, form: FormDep) -> Response:
    """Add an account; problems are shown beside their fields with the values kept."""
    values = {k: str(form.get(k, "")) for k in ("email", "name", "role", "password")}
    try:
        new = UserCreate.model_validate(values)
        accounts.add_user(ctx.db, new.email, new.role, new.password, new.name, ctx.now())
    except ValidationError as exc:
        return _users_page(request, ctx, 422, errors=field_errors(exc), values=values | {"password": ""})
    except Conflict as exc:
        return _users_page(request, ctx, 409, errors={"email": exc.detail}, values=values | {"password": ""})
    return redirect("/support/admin/users?done=added#done")


@router.post("/support/admin/users/{user_id}", include_in_schema=False, dependencies=[Csrf])
def change_user_form(ctx: Ctx, user: RequireAdmin, user_id: Id, form: FormDep) -> Response:
    """Change an account's role or enable/disable it."""
    role = form.get("role") if form.get("role") in accounts.ROLES else None
    disabled = {"disable": True, "enable": False}.get(str(form.get("action", "")))
    _guard_self(user, user_id, role, disabled)
    accounts.update_user(ctx.db, user_id, role=role, disabled=disabled)
    return redirect("/support/admin/users?done=role#done")


@router.post("/support/admin/users/{user_id}/name", include_in_schema=False, dependencies=[Csrf])
def rename_user_form(request: Request, ctx: Ctx, user: RequireAdmin, user_id: Id, form: FormDep) -> Response:
    """Change an account's display name."""
    try:
        change = UserUpdate.model_validate({"name": str(form.get("name", ""))})
    except ValidationError as exc:
        return _users_page(request, ctx, 422, errors={f"name-{user_id}": field_errors(exc)["name"]}, open_row=user_id)
    accounts.update_user(ctx.db, user_id, name=change.name)
    return redirect("/support/admin/users?done=name#done")


@router.post("/support/admin/users/{user_id}/password", include_in_schema=False, dependencies=[Csrf])
def reset_password_form(request: Request, ctx: Ctx, user: RequireAdmin, user_id: Id, form: FormDep) -> Response:
    """Set a new password for an account (for one who forgot theirs); its sessions end, the admin's own is kept."""
    try:
        reset = PasswordReset.model_validate({"password": str(form.get("password", ""))})
    except ValidationError as exc:
        return _users_page(request, ctx, 422, errors={f"password-{user_id}": field_errors(exc)["password"]}, open_row=user_id)
    accounts.get_user(ctx.db, user_id)
    accounts.set_password(ctx.db, user_id, reset.password, keep_session=request.session.get("sid") if user_id == user["id"] else None)
    return redirect("/support/admin/users?done=password#done")


def _guard_self(user: dict[str, Any], user_id: int, role: str | None, disabled: bool | None) -> None:
    """Admins cannot lock themselves out."""
    if user_id == user["id"] and (disabled or (role and role != "admin")):
        raise Forbidden("You cannot disable your own account or remove your own admin role")


@router.get("/api/admin/users", tags=["admin"], response_model=list[UserPublic])
def list_users(ctx: Ctx, user: RequireAdmin) -> list[dict[str, Any]]:
    """Every account."""
    return accounts.list_users(ctx.db)


@router.post("/api/admin/users", tags=["admin"], status_code=201, response_model=UserPublic, dependencies=[Csrf])
def add_user(ctx: Ctx, user: RequireAdmin, body: UserCreate) -> dict[str, Any]:
    """Add an account (409 if the email is taken)."""
    user_id = accounts.add_user(ctx.db, body.email, body.role, body.password, body.name, ctx.now())
    return accounts.get_user(ctx.db, user_id)


@router.patch("/api/admin/users/{user_id}", tags=["admin"], response_model=UserPublic, dependencies=[Csrf])
def change_user(ctx: Ctx, user: RequireAdmin, user_id: Id, body: UserUpdate) -> dict[str, Any]:
    """Change an account's role and/or disabled flag."""
    _guard_self(user, user_id, body.role, body.disabled)
    return accounts.update_user(ctx.db, user_id, role=body.role, disabled=body.disabled, name=body.name)

"""Certificates: the holder's page, public verification by code (page and API), revocation by admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from support.accounts import service as accounts
from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.context import Context
from support.web.deps import Csrf, Ctx, FormDep, RequireAdmin, SignedIn
from support.errors import NotFound
from support.web.pages import redirect, render
from support.schemas import Id

router = APIRouter()
PUBLIC_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex", "X-Frame-Options": "DENY"}


def _secure(response: Response) -> Response:
    from support.web.security import CSP  # /verify is outside /support, where the middleware adds it

    response.headers.update(PUBLIC_HEADERS | {"Content-Security-Policy": CSP})
    return response


def viewable(ctx: Context, cert_id: int, user: dict[str, Any]) -> dict[str, Any]:
    """A certificate for its holder or a manager (agent, trainer or admin); 404 for anyone else."""
    cert = assessments.certificate_by_id(ctx.db, cert_id)
    if cert["user_id"] != user["id"] and not (accounts.has_role(user, "agent") or accounts.has_role(user, "trainer")):
        raise NotFound(f"Certificate {cert_id} not found")
    return cert


def detail(ctx: Context, catalog: CatalogDep, cert: dict[str, Any], base: str) -> dict[str, Any]:
    """Everything the holder's page shows: status, dates, score, the covered pages and which changed."""
    info = assessments.describe_certificate(cert, ctx.now(), assessments.kb_pages(ctx))
    covered = [assessments.site_link(ctx, pid) | {"changed": pid in info["changed_pages"]} for pid in info["fingerprints"]]
    return {**{k: info[k] for k in ("id", "code", "pretty_code", "holder_name", "name", "role", "quiz_id", "quiz_title", "score",
                                    "issued_at", "expires_at", "revoked_at", "revoked_reason", "status", "days_left",
                                    "expiring", "content_changed", "attempt_id")},
            "role_title": catalog.role_title(cert["role"]), "covered": covered, "verify_url": f"{base}/verify/{cert['code']}"}


@router.get("/support/certificates/{cert_id}", include_in_schema=False)
def certificate_page(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, cert_id: Id) -> Response:
    """The holder's certificate: status, dates, verification code and link, and the docs it covered."""
    cert = viewable(ctx, cert_id, user)
    return render(request, "assessments/certificate.html", {"cert": detail(ctx, catalog, cert, assessments.public_base(request, ctx))})


@router.post("/support/certificates/{cert_id}/revoke", include_in_schema=False, dependencies=[Csrf])
def revoke(ctx: Ctx, user: RequireAdmin, cert_id: Id, form: FormDep) -> Response:
    """Revoke a certificate (admins); verification shows it as revoked from then on."""
    assessments.certificate_by_id(ctx.db, cert_id)
    reason = str(form.get("reason", ""))[:500] or f"revoked by {accounts.display_name(user)}"
    assessments.revoke_certificate(ctx.db, cert_id, reason, ctx.now())
    return redirect(f"/support/certificates/{cert_id}")


@router.get("/api/certificates/{cert_id}", tags=["certificates"])
def certificate_api(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, cert_id: Id) -> dict[str, Any]:
    """A certificate, for its holder or a manager."""
    return detail(ctx, catalog, viewable(ctx, cert_id, user), assessments.public_base(request, ctx))


@router.get("/verify", include_in_schema=False)
def verify_form(request: Request, code: str = "") -> Response:
    """The public verification form; a code given goes to its page."""
    if assessments.normalize_code(code):
        return redirect(f"/verify/{assessments.normalize_code(code)[:40]}")
    return _secure(render(request, "assessments/verify.html", {"cert": None, "code": code, "error": None}))


@router.get("/verify/{code}", include_in_schema=False)
def verify_page(request: Request, ctx: Ctx, catalog: CatalogDep, code: str) -> Response:
    """Public, no sign-in: holder, certificate, role, issue and expiry dates, and whether it is valid."""
    try:
        cert = assessments.certificate_by_code(ctx.db, code)
    except NotFound as exc:
        return _secure(render(request, "assessments/verify.html", {"cert": None, "code": code, "error": exc.detail}, status=404))
    shown = assessments.public_certificate(cert, ctx.now(), catalog.role_title(cert["role"]))
    return _secure(render(request, "assessments/verify.html", {"cert": shown, "code": code, "error": None}))


@router.get("/api/verify/{code}", tags=["certificates"])
def verify_api(ctx: Ctx, catalog: CatalogDep, code: str) -> dict[str, Any]:
    """Public, no sign-in: the certificate's holder, name, role, dates and status (valid, expired or revoked)."""
    cert = assessments.certificate_by_code(ctx.db, code)
    return assessments.public_certificate(cert, ctx.now(), catalog.role_title(cert["role"]))

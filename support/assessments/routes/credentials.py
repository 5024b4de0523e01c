"""Certificates that travel: the holder's Open Badges 3.0 download, the issuer profile and status list, and the public
check of a pasted or uploaded credential."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from support.accounts import service as accounts
from support.assessments import service as assessments
from support.assessments.deps import CatalogDep
from support.context import Context
from support.errors import NotFound
from support.schemas import Id
from support.web.deps import Ctx, FormDep, SignedIn
from support.web.pages import render
from support.web.security import CSP

router = APIRouter()
VC_JWT = "application/vc+jwt"
PUBLIC_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex", "X-Frame-Options": "DENY",
                  "Content-Security-Policy": CSP}
MAX_UPLOAD = 64 * 1024
ListNumber = Annotated[int, Path(ge=0, le=2**40, description="The list's number: certificate id // 131072.")]


def _holders(ctx: Context, cert_id: int, user: dict[str, Any]) -> dict[str, Any]:
    cert = assessments.certificate_by_id(ctx.db, cert_id)
    if cert["user_id"] != user["id"] and not accounts.has_role(user, "agent"):
        raise NotFound(f"Certificate {cert_id} not found")
    return cert


@router.get("/support/certificates/{cert_id}/credential.jwt", include_in_schema=False,
            responses={200: {"content": {VC_JWT: {}}, "description": "The signed Open Badges 3.0 credential (VC-JWT)."}})
def download(request: Request, ctx: Ctx, catalog: CatalogDep, user: SignedIn, cert_id: Id) -> Response:
    """The certificate as an Open Badges 3.0 credential (a VC-JWT), for its holder (or a manager) to keep or put in a wallet."""
    cert = _holders(ctx, cert_id, user)
    token = assessments.signed_credential(ctx, cert, catalog.role_title(cert["role"]), assessments.public_base(request, ctx))
    name = f"certificate-{assessments.normalize_code(cert['code'])}.jwt"
    return Response(token, media_type=VC_JWT, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                       "Cache-Control": "no-store"})


@router.get("/credentials/issuer", tags=["certificates"])
def issuer(request: Request, ctx: Ctx) -> dict[str, Any]:
    """The issuer's Open Badges profile, with the Ed25519 public key (JWK) its credentials are signed with."""
    return assessments.issuer_profile(ctx, assessments.public_base(request, ctx))


@router.get("/credentials/status/{number}", tags=["certificates"],
            responses={200: {"content": {VC_JWT: {}}, "description": "A signed BitstringStatusListCredential."}})
def status_list(request: Request, ctx: Ctx, number: ListNumber) -> Response:
    """The revocation status list (Bitstring Status List, signed, valid for a day): bit ``id % 131072`` of list ``id // 131072``."""
    token = assessments.status_list(ctx, assessments.public_base(request, ctx), number)
    return Response(token, media_type=VC_JWT, headers={"Cache-Control": "max-age=300"})


@router.post("/verify/credential", include_in_schema=False)
async def check(request: Request, ctx: Ctx, catalog: CatalogDep, form: FormDep) -> Response:
    """Public: check a pasted or uploaded credential (signature, expiry, revocation) and show whose it is."""
    text = await _posted(form)
    context: dict[str, Any] = {"cert": None, "code": "", "error": None, "pasted": text if len(text) <= 20_000 else ""}
    try:
        cert = assessments.verify_credential(ctx, assessments.public_base(request, ctx), text)
    except assessments.CredentialRefused as exc:
        context["credential_error"] = str(exc)
        return _public(render(request, "assessments/verify.html", context, status=422))
    context["cert"] = assessments.public_certificate(cert, ctx.now(), catalog.role_title(cert["role"]))
    context["checked_credential"] = True
    return _public(render(request, "assessments/verify.html", context))


async def _posted(form: Any) -> str:
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            return (await upload.read(MAX_UPLOAD)).decode("utf-8", "replace")  # longer than any credential: refused by its length
        finally:
            await form.close()
    text = form.get("credential", "")
    return text if isinstance(text, str) else ""


def _public(response: Response) -> Response:
    response.headers.update(PUBLIC_HEADERS)
    return response

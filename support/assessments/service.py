"""Assessment actions shared by the pages and the JSON API: what an attempt or a result shows.

Before submission an attempt shows only :func:`support.assessments.grading.public_paper` (questions and
options as presented, never a key, marker, accepted answer, tolerance, feedback or explanation),
the answers saved so far and the time left. After submission the result shows what the quiz's
review policy allows, with links into the site for what to study.
"""

from __future__ import annotations

import functools
import threading
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from fastapi import Request
from openbadgeslib.keys import public_jwk_from_pem

from generator.quizzes import Quiz, public_rules
from support.assessments import attempts
from support.accounts import service as accounts
from support.assessments import accommodations, certificates, credentials, hr, reminders, review as review_step
from support.assessments.rows import loads
from support.assessments.catalog import Catalog
from support.assessments.attempts import Submission, check_open, get as attempt, graded, is_over, problems, save_answers
from support.assessments.certificates import by_code as certificate_by_code, by_id as certificate_by_id, describe as describe_certificate, normalize_code, public as public_certificate, revoke as revoke_certificate
from support.assessments.dashboard import dashboard, mark_read, set_roles
from support.assessments.reports import most_missed, quiz_report, summary as report_summary
from support.assessments.tracking import by_role as tracking_by_role, learner_rows, tables as tracking_tables
from support.assessments.grading import InvalidAnswers
from support.errors import NotFound
from support.clock import iso
from support.context import Context
from support.assessments.grading import public_paper, question_index, review
from support.assessments.eligibility import standing
from support.assessments import assignments, cohorts, reading, retention, training_reminders, training_report
from support.assessments.forms import for_grading, read_form
from support.accounts import service as accounts


def public_base(request: Request, ctx: Context) -> str:
    """The backend's public URL (``PORTAL_BASE_URL``, else the request's own), for links shown to others."""
    return ctx.settings.base_url or str(request.base_url).rstrip("/")


def kb_pages(ctx: Context) -> dict[str, dict[str, Any]]:
    """The build's current articles and runbooks by id (with URLs and fingerprints)."""
    ctx.kb.refresh()
    return ctx.kb.pages


def site_link(ctx: Context, page_id: str, section: str | None = None, pages: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Title and site URL of a KB page (``url`` None when the build does not have it); ``pages`` defaults to the build's."""
    page = (kb_pages(ctx) if pages is None else pages).get(page_id)
    if page is None:
        return {"id": page_id, "title": page_id, "url": None}
    anchor = f"#{section}" if section else ""
    return {"id": page_id, "title": page["title"], "url": f"{ctx.settings.site_url}/{page['url']}{anchor}"}


def quiz_info(ctx: Context, catalog: Catalog, quiz: Quiz, user: dict[str, Any] | None) -> dict[str, Any]:
    """A quiz's public rules, the study links, and (for a signed-in learner) their standing."""
    rules = public_rules(quiz)
    info = {"id": quiz.id, **rules, "role_title": catalog.role_title(quiz.role),
            "covers": [site_link(ctx, c.ref, c.section) for c in quiz.covers]}
    if user is not None:
        info["standing"] = standing(ctx.db, quiz, user["id"]).public(ctx.now())
    return info


def start(ctx: Context, quiz: Quiz, user: dict[str, Any]) -> dict[str, Any]:
    """Start an attempt (``Conflict`` with the reason and time when the rules refuse)."""
    return attempts.start(ctx.db, quiz, user["id"], ctx.now(), kb_pages(ctx))


def owned(ctx: Context, attempt_id: int, user: dict[str, Any], close: bool = True) -> dict[str, Any]:
    """The user's attempt (404 for anyone else's); with ``close``, graded first if its time ran out."""
    return attempts.owned(ctx.db, attempt_id, user, ctx.now(), kb_pages(ctx), close)


def submit(ctx: Context, attempt: dict[str, Any], answers: Any) -> attempts.Submission:
    """Grade the attempt (late: from the answers saved in time, or zero, as the quiz says)."""
    return attempts.submit(ctx.db, attempt, answers, ctx.now(), kb_pages(ctx))


def attempt_view(ctx: Context, attempt: dict[str, Any]) -> dict[str, Any]:
    """The attempt as the learner's browser may see it: no answer key of any kind."""
    quiz = attempts.version(ctx.db, attempt["quiz_hash"])
    shown = public_paper(quiz, attempts.paper(attempt))
    ident = attempt["id"]
    return {
        "id": ident, "quiz_id": quiz.id, "title": quiz.title, "number": attempt["number"], "status": attempt["status"],
        "started_at": attempt["started_at"], "deadline": attempt["deadline"], "submitted_at": attempt["submitted_at"],
        "time_limit_minutes": quiz.time_limit_minutes, "remaining_seconds": attempts.remaining_seconds(attempt, ctx.now()),
        "pass_mark": quiz.pass_mark, "questions": shown["questions"], "answers": loads(attempt["answers"], {}),
        "saved_at": attempt["saved_at"], "flags": review_step.flags(attempt), "extra_minutes": attempt.get("extra_minutes") or 0,
        "links": {"page": f"/support/attempts/{ident}", "answers": f"/api/attempts/{ident}/answers",
                  "submit": f"/api/attempts/{ident}/submit", "result": f"/api/attempts/{ident}/result",
                  "review": f"/support/attempts/{ident}/review"},
    }


def result_view(ctx: Context, catalog: Catalog, done: attempts.Submission, base: str = "") -> dict[str, Any]:
    """Score, pass or fail and the review the quiz allows, with site links and the certificate issued."""
    attempt, pages = done.attempt, kb_pages(ctx)
    quiz = attempts.version(ctx.db, attempt["quiz_hash"])
    shown = review(quiz, attempts.paper(attempt), done.grade)
    for question in shown.get("questions", []):
        link = question.get("teaches")
        if link:
            question["teaches"] = {**link, **site_link(ctx, link["id"], link["section"], pages)}
    return {
        **shown, "attempt_id": attempt["id"], "number": attempt["number"], "submitted_at": attempt["submitted_at"],
        "late": bool(attempt["late"]), "closed_by": attempt["closed_by"], "late_policy": quiz.late_policy.value,
        "study": _study(ctx, quiz, shown, pages),
        "certificate": _certificate(ctx, catalog, done.certificate, base) if done.certificate else None,
        "standing": standing(ctx.db, quiz, attempt["user_id"]).public(ctx.now()),
    }


def _study(ctx: Context, quiz: Quiz, shown: dict[str, Any], pages: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages teaching the questions missed (when the review shows questions), then the rest the quiz covers."""
    by_id = question_index(quiz)
    refs = [(by_id[q["id"]].teaches.ref, by_id[q["id"]].teaches.section) for q in shown.get("questions", [])
            if not q["correct"] and q["id"] in by_id and by_id[q["id"]].teaches]
    refs += [(c.ref, c.section) for c in quiz.covers]
    first = {}
    for ref, section in refs:  # one link per page, to the section of the first question missed on it
        first.setdefault(ref, section)
    return [site_link(ctx, ref, section, pages) for ref, section in first.items()]


def _certificate(ctx: Context, catalog: Catalog, cert: dict[str, Any], base: str) -> dict[str, Any]:
    shown = certificates.public(cert, ctx.now(), catalog.role_title(cert["role"]))
    return {**shown, "id": cert["id"], "page": f"/support/certificates/{cert['id']}",
            "verify_url": f"{base}/verify/{cert['code']}", "expires_at": cert["expires_at"], "checked_at": iso(ctx.now())}


def remind(db: Any, settings: Any, now: Any, catalog: Catalog | None = None) -> int:
    """Queue the reminders due at ``now``: certificates (30 days, 7 days, expired) and training; how many.

    With the ``catalog``, training mails name roles by their titles."""
    titles = catalog.role_title if catalog is not None else str
    return reminders.send_due(db, settings, now) + training_reminders.send_due(db, settings, now, role_title=titles)


# --- training (issue 18): cohorts, assignments, progress from use, reports, retention, reminders -----------------


def learning(ctx: Context, catalog: Catalog, user: dict[str, Any]) -> dict[str, Any]:
    """My learning: the dashboard, the training assigned to the learner and the retention checks waiting."""
    rows = assignments.learner_rows(ctx.db, ctx.now(), user["id"])
    data = dashboard(ctx.db, catalog, kb_pages(ctx), user, ctx.now(), tuple(r["role"] for r in rows if r["role"] in catalog.roles))
    data["assignments"] = [{"role": r["role"], "role_title": catalog.role_title(r["role"]), "due_at": r["due_at"], "status": r["status"]}
                           for r in rows]
    data["retention"] = [{"certificate_id": c["id"], "name": c["name"]}
                         for c in retention.offered(ctx.db, user["id"], ctx.now(), ctx.settings.retention_days)]
    return data


def record_read(ctx: Context, user: dict[str, Any], path: str) -> str | None:
    """Record the signed-in learner's read of the site page at ``path``; the page id (None: no article or runbook)."""
    return reading.record(ctx.db, kb_pages(ctx), user["id"], path, ctx.now())


def retention_check(ctx: Context, catalog: Catalog, cert_id: int, user: dict[str, Any], allow_done: bool = False) -> dict[str, Any]:
    """The learner's retention check of their certificate, drawn on first open (``Conflict`` if not due, or taken
    unless ``allow_done``)."""
    cert = certificate_by_id(ctx.db, cert_id)
    if cert["user_id"] != user["id"]:
        raise NotFound(f"Certificate {cert_id} not found")
    s = ctx.settings
    if allow_done:
        taken = retention.of_certificate(ctx.db, cert_id)
        if taken and taken["submitted_at"]:
            return taken
    return retention.start(ctx.db, cert, catalog.quiz(cert["quiz_id"]), ctx.now(), s.retention_days, s.retention_questions)


def retention_view(ctx: Context, check: dict[str, Any]) -> dict[str, Any]:
    """A check as its learner sees it (questions without keys; the score once submitted)."""
    return retention.view(ctx.db, check)


def submit_retention(ctx: Context, check: dict[str, Any], form: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Read the posted answers and grade them when they are well formed: (check, errors by question, answers)."""
    answers, errors = read_form(retention.paper_questions(ctx.db, check), form)
    if errors:
        return check, errors, answers
    return retention.submit(ctx.db, check, for_grading(answers, errors), ctx.now()), {}, answers


def training_tables(ctx: Context, catalog: Catalog, scope: training_report.Scope) -> list[Any]:
    """The training report's tables: summary, overdue, certificates due, questions most often forgotten."""
    now, title = ctx.now(), catalog.role_title
    pages = kb_pages(ctx)
    return [training_report.summary(ctx.db, scope, now, title), training_report.overdue(ctx.db, scope, now, title),
            training_report.certificates_due(ctx.db, scope, now, title),
            training_report.forgotten(ctx.db, scope, now, lambda ref, section: site_link(ctx, ref, section, pages))]



def learner_by_email(db: Any, email: str) -> dict[str, Any] | None:
    """The enabled account with ``email``, or None."""
    user = accounts.get_user_by_email(db, email) if email.strip() else None
    return user if user and not user["disabled"] else None



# Certificates that travel (issue 18, item 7): Open Badges 3.0 credentials, their status list, the HR export.

_KEYS_LOCK = threading.Lock()  # two first requests at once must not both make a key pair


@functools.cache
def _credential_keys(folder: Path) -> credentials.Keys:
    with _KEYS_LOCK:
        return credentials.Keys(folder)


def credential_keys(ctx: Context) -> credentials.Keys:
    """The portal's issuing key pair (made on first use in ``<data_dir>/credentials``)."""
    return _credential_keys(ctx.settings.data_dir.resolve() / "credentials")


def issuer_name(ctx: Context) -> str:
    """The issuer's name in credentials: the display name of ``PORTAL_MAIL_FROM``, else "Support portal"."""
    return parseaddr(ctx.settings.mail_from)[0] or "Support portal"


def signed_credential(ctx: Context, cert: dict[str, Any], role_title: str, base: str) -> str:
    """A certificate as a signed Open Badges 3.0 VC-JWT for its holder."""
    email = ctx.db.one("SELECT email FROM users WHERE id = ?", [cert["user_id"]])["email"]
    return credentials.sign(credential_keys(ctx), cert, email, role_title, base, issuer_name(ctx))


def status_list(ctx: Context, base: str, number: int) -> str:
    """Status list ``number`` as a signed JWT."""
    return credentials.status_list(ctx.db, credential_keys(ctx), base, number)


def verify_credential(ctx: Context, base: str, token: str) -> dict[str, Any]:
    """The certificate a pasted credential stands for (``credentials.Refused`` saying why not)."""
    return credentials.verify(ctx.db, credential_keys(ctx), base, token, ctx.now())


def issuer_profile(ctx: Context, base: str) -> dict[str, Any]:
    """The issuer's Open Badges profile, with the public key its credentials are signed with (JWK)."""
    return {"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": credentials.issuer_id(base), "type": ["Profile"], "name": issuer_name(ctx), "url": base,
            "publicKeyJwk": public_jwk_from_pem(credential_keys(ctx).public_pem)}


CredentialRefused = credentials.Refused


def hr_token_ok(ctx: Context, authorization: str) -> bool:
    """True when the request carries ``PORTAL_HR_API_TOKEN`` as its bearer token (never while it is unset)."""
    token = ctx.settings.hr_api_token
    return hr.token_ok(token.get_secret_value() if token else None, authorization)


def hr_certificates(ctx: Context) -> list[dict[str, Any]]:
    """Every certificate with its holder and status, for HR systems."""
    return hr.certificate_rows(ctx.db, ctx.now())


def hr_holders(ctx: Context) -> list[dict[str, Any]]:
    """Each certificate holder's counts by status, valid roles and next expiry, for HR systems."""
    return hr.holder_rows(hr_certificates(ctx))


def hr_table(name: str, rows: list[dict[str, Any]]) -> Any:
    """The HR rows named ``certificates`` or ``holders`` as a CSV-ready table."""
    return hr.table(f"hr-{name}", rows, hr.CERTIFICATE_FIELDS if name == "certificates" else hr.HOLDER_FIELDS)


# Taking an assessment (issue 18, item 6): flags, the summary before submission, extra time.

def save_flags(ctx: Context, attempt: dict[str, Any], flagged: list[str]) -> None:
    """Replace the questions the learner flagged in an open attempt."""
    review_step.save_flags(ctx.db, attempt["id"], flagged)


def submission_summary(ctx: Context, attempt: dict[str, Any]) -> dict[str, Any]:
    """The attempt's questions as answered, unanswered and flagged, with the time left, for the confirmation step."""
    view = attempt_view(ctx, attempt)
    return {**review_step.summary(view["questions"], view["answers"], view["flags"]), "attempt": view}


def extra_time_grants(ctx: Context) -> list[dict[str, Any]]:
    """Every learner's extra time grant."""
    return accommodations.listing(ctx.db)


def grant_extra_time(ctx: Context, catalog: Catalog, fields: dict[str, Any], actor: dict[str, Any]) -> dict[str, str]:
    """Grant the extra time a form asks for; the message per field that is wrong (empty when granted)."""
    data, errors = accommodations.read_grant(fields, set(catalog.quizzes))
    learner = accounts.get_user_by_email(ctx.db, data.email) if data else None
    if data and learner is None:
        errors = {"email": f"No account has the address {data.email}"}
    if errors:
        return errors
    accommodations.grant(ctx.db, learner["id"], data, accounts.display_name(actor), ctx.now())
    return {}


def withdraw_extra_time(ctx: Context, user_id: int, quiz_id: str) -> None:
    """Withdraw a learner's extra time grant (attempts already started keep their deadline)."""
    accommodations.withdraw(ctx.db, user_id, quiz_id)


read_flags = review_step.read_flags

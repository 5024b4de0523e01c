"""Certificates that travel: Open Badges 3.0 credentials verified by openbadgeslib, refused after revocation or
tampering; the HR API with its own token; the review step, flags and extra time through the HTML forms."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from assessments_harness import ALL_TYPES, assess, learner, load_quiz, right_answers, start  # noqa: F401
from openbadgeslib.ob3 import OB3Verifier, OB3VerificationError
from support_harness import Browser, Live, stop_server

QUIZ = load_quiz(ALL_TYPES)
HR_TOKEN = "hr-token-for-tests-0123456789"
TIMED = """id: timed
title: A timed check
role: production-operator
pass_mark: 50
time_limit_minutes: 10
grace_seconds: 0
review: answers
questions:
  - id: torque
    type: numeric
    prompt: Torque of the guard bolts, in Nm?
    answer: 20
  - id: guard
    type: true-false
    prompt: The guard may be opened while the line runs.
    answer: false
"""


@pytest.fixture
def hr_live(tmp_path: Path) -> Iterator[Live]:
    """The assessments backend with the HR API token set and a timed quiz."""
    server, thread, live = start(tmp_path, {"timed": TIMED}, examples=False, hr_api_token=HR_TOKEN)
    yield live
    stop_server(server, thread, live)


def certified(live: Live, email: str) -> tuple[Browser, int]:
    """A learner who passed the all-types quiz; their browser and certificate id."""
    browser = learner(live, email, name="Olga Operator")
    attempt = browser.api("POST", "/api/assessments/all-types/attempts").json()
    result = browser.api("POST", f"/api/attempts/{attempt['id']}/submit", {"answers": right_answers(QUIZ, attempt)}).json()
    return browser, result["certificate"]["id"]


def library_verify(live: Live, token: str) -> object:
    """openbadgeslib's verifier with the issuer's published key, reading the status list over HTTP from the backend."""
    pem = (live.data_dir / "credentials" / "issuer-ed25519.pub.pem").read_bytes()
    return OB3Verifier(pem).verify(token, check_status=True, download=lambda url: httpx.get(url, timeout=10).content)


def test_a_credential_verifies_with_the_library_and_is_refused_after_tampering_and_revocation(hr_live: Live) -> None:
    """The holder's download is an OB 3.0 VC-JWT with validUntil and a status entry; the library and the verify page
    accept it; a changed byte and then a revocation make both refuse it."""
    olga, cert_id = certified(hr_live, "olga@example.com")
    download = olga.get(f"/support/certificates/{cert_id}/credential.jwt")
    assert download.status_code == 200 and download.headers["content-type"] == "application/vc+jwt"
    assert download.headers["content-disposition"].startswith('attachment; filename="certificate-')
    token = download.text
    cred = library_verify(hr_live, token)
    assert (cred.achievement.name, cred.issuer.id) == ("Line Operator Basics", f"{hr_live.url}/credentials/issuer")
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert body["validUntil"].startswith("2027-11-23") and "olga@example.com" not in token
    assert body["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert hr_live.client().get(f"/support/certificates/{cert_id}/credential.jwt").status_code in (303, 401)
    anon = hr_live.client()
    page = anon.post("/verify/credential", data={"credential": token})
    assert page.status_code == 200 and "Valid" in page.text and "Olga Operator" in page.text
    tampered = ".".join([token.split(".")[0], base64.urlsafe_b64encode(json.dumps({**body, "name": "Plant manager"}).encode())
                         .decode().rstrip("="), token.split(".")[2]])
    with pytest.raises(OB3VerificationError):
        library_verify(hr_live, tampered)
    refused = anon.post("/verify/credential", files={"file": ("c.jwt", tampered.encode())}, data={"credential": ""})
    assert refused.status_code == 422 and "changed after it was signed" in refused.text
    hr_live.add_user("ada@example.com", "admin", "Ada Admin")
    admin = hr_live.client()
    admin.login("ada@example.com")
    assert admin.form(f"/support/certificates/{cert_id}/revoke", {"reason": "Taken off the line."}).status_code == 303
    with pytest.raises(OB3VerificationError, match="revocation"):
        library_verify(hr_live, token)
    revoked = anon.post("/verify/credential", data={"credential": token})
    assert revoked.status_code == 422 and "Not accepted: The certificate was revoked" in revoked.text
    assert "line.." not in admin.get(f"/support/certificates/{cert_id}").text


def test_the_hr_api_opens_only_with_its_token_and_gives_json_and_csv(hr_live: Live) -> None:
    """No token, a wrong one, or an admin's browser session: 401; the token: certificates and holders as JSON and CSV."""
    certified(hr_live, "olga@example.com")
    hr_live.add_user("ada@example.com", "admin", "Ada Admin")
    admin = hr_live.client()
    admin.login("ada@example.com")
    anon = hr_live.client()
    for client, headers in ((anon, {}), (anon, {"Authorization": "Bearer wrong-token-0123456789"}), (admin, {})):
        refused = client.get("/api/hr/certificates", headers=headers)
        assert refused.status_code == 401 and "needs its token" in refused.json()["detail"]
    auth = {"Authorization": f"Bearer {HR_TOKEN}"}
    rows = anon.get("/api/hr/certificates", headers=auth).json()
    assert [(r["holder_email"], r["certificate"], r["status"]) for r in rows] == [("olga@example.com", "Line Operator Basics", "valid")]
    holders = anon.get("/api/hr/holders", headers=auth).json()
    assert holders[0]["valid_roles"] == ["production-operator"] and holders[0]["next_expiry"].startswith("2027-11-23")
    sheet = anon.get("/api/hr/certificates", params={"format": "csv"}, headers=auth)
    assert sheet.headers["content-type"].startswith("text/csv")
    assert next(csv.DictReader(io.StringIO(sheet.text)))["holder_email"] == "olga@example.com"
    assert anon.get("/api/hr/holders", params={"format": "xml"}, headers=auth).status_code == 422
    spec = anon.get("/api/openapi.json").json()
    assert "/api/hr/certificates" in spec["paths"] and "HR API token" in spec["components"]["securitySchemes"]


def test_review_step_flags_and_extra_time_work_through_the_plain_forms(hr_live: Live) -> None:
    """Review and submit shows answered, unanswered and flagged questions before the confirmation; extra time granted by
    an admin moves the deadline the server enforces; the numeric answer shows as 20."""
    hr_live.add_user("ada@example.com", "admin", "Ada Admin")
    admin = hr_live.client()
    admin.login("ada@example.com")
    olga = learner(hr_live, "olga@example.com")
    assert olga.get("/support/accommodations").status_code == 403
    bad = admin.form("/support/accommodations", {"email": "olga@example.com", "extra_minutes": "0", "quiz_id": "timed"})
    assert bad.status_code == 422 and "whole minutes from 1 to 1440" in bad.text and 'value="olga@example.com"' in bad.text
    assert admin.form("/support/accommodations", {"email": "olga@example.com", "extra_minutes": "15", "quiz_id": "timed"}).status_code == 303
    attempt = olga.api("POST", "/api/assessments/timed/attempts").json()
    assert attempt["remaining_seconds"] == 25 * 60 and attempt["extra_minutes"] == 15
    kim = learner(hr_live, "kim@example.com")
    open_one = kim.api("POST", "/api/assessments/timed/attempts").json()
    assert admin.form("/support/accommodations", {"email": "kim@example.com", "extra_minutes": "5"}).status_code == 303
    assert kim.get(f"/api/attempts/{open_one['id']}").json()["remaining_seconds"] == 15 * 60  # an open attempt, extended at once
    url = f"/support/attempts/{attempt['id']}"
    review = olga.form(url, {"action": "review", "q-torque": "20", "flag": "guard"})
    assert (review.status_code, review.headers["location"]) == (303, f"{url}/review")
    summary = olga.get(f"{url}/review").text
    text = " ".join(re.sub(r"<[^>]+>", "", summary).split())
    assert "You answered 1 of 2 questions. 1 unanswered, 1 flagged." in text
    assert f'href="{url}#q-guard"' in summary and olga.get(url).text.count('name="flag" value="guard" checked') == 1
    saved = olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"torque": "20"}, "flags": ["torque"]})
    assert saved.status_code == 200 and saved.json()["flags"] == ["torque"]  # the page's autosave keeps flags too
    assert olga.get(url).text.count('name="flag" value="torque" checked') == 1 and 'value="guard" checked' not in olga.get(url).text
    unknown = olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {}, "flags": ["nope"]})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "flags", "nope"]
    assert olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"torque": "20"}}).json()["flags"] == ["torque"]
    hr_live.clock.advance(minutes=20)  # past the quiz's own 10 minutes, inside the 25 granted
    assert olga.api("PUT", f"/api/attempts/{attempt['id']}/answers", {"answers": {"torque": "20", "guard": False}}).status_code == 200
    done = olga.form(f"{url}/submit")
    assert (done.status_code, done.headers["location"]) == (303, f"{url}/result")
    result = olga.get(f"{url}/result").text
    assert "Correct answer: 20." in result and "20.0" not in result and "Passed" in result
    assert olga.form(f"{url}/submit").status_code == 409

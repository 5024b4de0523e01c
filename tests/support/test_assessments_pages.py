"""The assessment pages without JavaScript: start after signing in, save and submit the form, errors, result, markup."""

from __future__ import annotations

import html
import re
from typing import Any

from assessments_harness import ALL_TYPES, OPERATOR, assess, begin, learner, load_quiz, right_answers  # noqa: F401
from support_harness import Browser, Live
from test_support_markup import Audit

QUIZ = load_quiz(ALL_TYPES)


def form_fields(attempt: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as the attempt form posts them."""
    fields: dict[str, Any] = {}
    for qid, value in answers.items():
        if isinstance(value, bool):
            fields[f"q-{qid}"] = str(value).lower()
        elif isinstance(value, list) and value and isinstance(value[0], int):
            fields |= {f"q-{qid}.{k}": str(v) for k, v in enumerate(value)}
        else:
            fields[f"q-{qid}"] = value if isinstance(value, list) else str(value)
    return fields


def test_the_start_button_works_after_signing_in(assess: Live) -> None:
    """The site's "Start the assessment" link sends a signed-out learner to sign in, then back, then into an attempt."""
    learner(assess, "olga@example.com")
    browser = assess.client()
    url = f"/support/assessments/{OPERATOR}"
    assert browser.get(url).headers["location"] == f"/support/login?next={url}"
    signed = browser.form("/support/login", {"email": "olga@example.com", "password": "correct horse battery", "next": url})
    assert signed.headers["location"] == url
    rules = browser.get(url)
    assert "Start the assessment" in rules.text and "Pass mark</dt><dd>80%" in rules.text
    started = browser.form(url)
    assert started.status_code == 303 and re.fullmatch(r"/support/attempts/\d+", started.headers["location"])
    page = browser.get(started.headers["location"])
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert page.text.count("<fieldset") == page.text.count("<legend>") == 15
    assert "Time left:" in page.text and '<script src="/support/static/quiz.js" defer>' in page.text


def test_the_form_saves_and_submits_without_javascript(assess: Live) -> None:
    """Saving keeps every answer type for a reload; submitting grades on the server and shows the review and certificate."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    answers = right_answers(QUIZ, attempt)
    url = f"/support/attempts/{attempt['id']}"
    saved = olga.form(url, {"action": "save", **form_fields(attempt, answers)})
    assert (saved.status_code, saved.headers["location"]) == (303, f"{url}?saved=1#status")
    stored = olga.get(f"/api/attempts/{attempt['id']}").json()["answers"]
    numeric = {q["id"] for q in attempt["questions"] if q["type"] == "numeric"}
    assert stored == {k: str(v) if k in numeric else v for k, v in answers.items()}  # numbers come back as typed
    page = olga.get(f"{url}?saved=1").text
    assert "Your answers are saved." in page
    assert f'value="{answers["stop-type"]}" checked' in page and 'value="25.2"' in page
    assert re.search(rf'name="q-start-steps.0">.*?<option value="{answers["start-steps"][0]}" selected>', page, re.S)
    done = olga.form(url, {"action": "submit", **form_fields(attempt, answers)})
    assert (done.status_code, done.headers["location"]) == (303, f"{url}/result")
    result = olga.get(f"{url}/result").text
    assert "Passed" in result and "100.0%" in result and "Certificate issued: Line Operator Basics" in result
    assert "SECRET-EXPLANATION-single" in result and "SECRET-FEEDBACK-quality-hold" in result
    assert 'href="/articles/operations/starting-and-stopping-a-line/#stop-types"' in result
    assert olga.get(url).headers["location"] == f"{url}/result"


def test_form_errors_name_the_question_and_keep_the_answers(assess: Live) -> None:
    """An incomplete ordering or an unknown field is reported per question (422); valid answers are saved, nothing is submitted."""
    olga = learner(assess, "olga@example.com")
    attempt = begin(olga)
    url = f"/support/attempts/{attempt['id']}"
    response = olga.form(url, {"action": "submit", "q-stop-type": "safety", "q-start-steps.0": "2", "q-torque": "abc", "q-bogus": "1"})
    assert response.status_code == 422
    assert '<a href="#q-start-steps">start-steps</a>: Choose an item for every position, or leave them all empty' in response.text
    assert '<a href="#q-torque">torque</a>: Expected a number' in response.text
    assert "'q-bogus' is not a question of this attempt" in html.unescape(response.text)
    assert 'aria-describedby="q-start-steps-error"' in response.text and '<option value="2" selected>' in response.text
    shown = olga.get(f"/api/attempts/{attempt['id']}").json()
    assert (shown["status"], shown["answers"]) == ("open", {"stop-type": "safety"})


def audit(page: str) -> Audit:
    """Parse a page for the markup checks."""
    parsed = Audit()
    parsed.feed(page)
    return parsed


def test_assessment_pages_have_accessible_markup(assess: Live) -> None:
    """Every assessment page has lang, one h1, a main landmark and a label for every control."""
    olga = learner(assess, "olga@example.com")
    open_attempt = begin(olga, OPERATOR)
    attempt = begin(olga)
    olga.api("POST", f"/api/attempts/{attempt['id']}/submit", {"answers": right_answers(QUIZ, attempt)})
    cert = assess.app.state.store.one("SELECT id, code FROM certificates")
    admin: Browser = learner(assess, "ada@example.com", "admin")
    pages = {
        "index": olga.get("/support/assessments"), "rules": olga.get(f"/support/assessments/{OPERATOR}"),
        "attempt": olga.get(f"/support/attempts/{open_attempt['id']}"), "result": olga.get(f"/support/attempts/{attempt['id']}/result"),
        "me": olga.get("/support/me"), "certificate": olga.get(f"/support/certificates/{cert['id']}"),
        "verify": assess.client().get(f"/verify/{cert['code']}"), "verify form": assess.client().get("/verify"),
        "tracking": admin.get("/support/certifications"), "reports": admin.get("/support/assessment-reports"),
        "quiz report": admin.get("/support/assessment-reports/all-types"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        parsed = audit(response.text)
        tags = [t for t, _ in parsed.tags]
        assert ('html', {'lang': 'en'}) in parsed.tags and tags.count("h1") == 1 and "main" in tags, name
        assert parsed.unlabelled() == [], name

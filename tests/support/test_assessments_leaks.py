"""No answer key anywhere before submission: not in any file of the built site, not in any attempt page or API response."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from assessments_harness import ALL_TYPES, REPO, assess, built_site, learner, load_quiz  # noqa: F401
from generator.quizzes import Matching, Multiple, Numeric, Ordering, Quiz, Short, Single, TrueFalse, iter_questions
from support.assessments.grading import Paper
from support_harness import Live

QUIZZES = [load_quiz(p) for p in sorted((REPO / "quizzes").rglob("*.yml"))]
KEY_FIELDS = {"correct", "answer", "accept", "tolerance", "explanation", "feedback", "feedback_true", "feedback_false",
              "pairs", "correct_order", "teaches", "case_sensitive"}
KEYED_NUMBER = re.compile(r'(?:answer|tolerance)"?\s*:\s*(-?\d+(?:\.\d+)?)\b')


def plain(text: str) -> str:
    """Text without tags, entities, Markdown markers or repeated spaces, case-folded, for searching."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(re.sub(r"[`*]", "", text).split()).casefold()


def secrets_of(quiz: Quiz) -> dict[str, str]:
    """Texts that only the answer key holds: correct options unlike any distractor, feedback, explanations, accepted answers."""
    found: dict[str, str] = {}
    distractors = [plain(o.text) for _, q in iter_questions(quiz) if isinstance(q, (Single, Multiple)) for o in q.options if not o.correct
                   and o.id not in q.correct_ids()]
    for _, q in iter_questions(quiz):
        texts = [q.explanation]
        if isinstance(q, (Single, Multiple)):
            right = [plain(o.text) for o in q.options if o.id in q.correct_ids()]
            texts += [o.feedback for o in q.options] + [t for t in right if len(t) >= 12 and not any(t in d for d in distractors)]
        if isinstance(q, TrueFalse):
            texts += [q.feedback_true, q.feedback_false]
        if isinstance(q, Short):
            texts += q.accept
        found |= {plain(t): f"{quiz.id}:{q.id}" for t in texts if t and (len(plain(t)) >= 12 or isinstance(q, Short))}
    return found


def numeric_keys(quiz: Quiz) -> set[str]:
    """Each numeric answer and tolerance of a quiz, written as in YAML or JSON."""
    return {f"{v:g}" for _, q in iter_questions(quiz) if isinstance(q, Numeric) for v in (q.answer, q.tolerance) if v}


def leaked_numbers(text: str) -> set[str]:
    """Numbers that follow an ``answer:`` or ``tolerance:`` key anywhere in a text."""
    return {f"{float(m):g}" for m in KEYED_NUMBER.findall(text)}


def site_texts(site: Path) -> dict[str, str]:
    """The searchable text of every text file of the built site (JSON parsed, HTML and Markdown flattened)."""
    texts = {}
    for file in site.rglob("*"):
        if not file.is_file():
            continue
        try:
            raw = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts, compressed files
        if file.suffix == ".json":
            raw = " ".join(_strings(json.loads(raw)))
        texts[file.relative_to(site).as_posix()] = raw
    return texts


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def content_corpus() -> str:
    """All the documentation's source text: an answer that the docs themselves state is not a leak."""
    return plain(" ".join(f.read_text(encoding="utf-8") for f in sorted((REPO / "content").rglob("*")) if f.suffix in (".md", ".yml")))


def test_the_built_site_holds_no_answer_key() -> None:
    """No correct-only option text, feedback, explanation, accepted answer or numeric key appears in any file of the site."""
    site = built_site()
    docs = content_corpus()
    texts = {path: (text, plain(text)) for path, text in site_texts(site).items()}
    needles = {n: where for quiz in QUIZZES for n, where in secrets_of(quiz).items() if n not in docs}
    assert len(needles) > 100  # the search is only worth something if most key texts are quiz-only
    leaks = [(where, path) for needle, where in needles.items() for path, (_, flat) in texts.items() if needle in flat]
    numbers = {path: leaked_numbers(raw) for path, (raw, _) in texts.items()}
    leaks += [(quiz.id, path) for quiz in QUIZZES for path, found in numbers.items() if found & numeric_keys(quiz)]
    assert leaks == []
    rules = texts["assessments/production-operator-certification/index.html"][1]
    assert "pass mark 80%" in rules and "start the assessment" in rules
    assert [p for p in site.rglob("*.y*ml") if "questions:" in p.read_text(encoding="utf-8")] == []


def shown_texts(attempt: dict[str, Any]) -> str:
    """Everything the paper legitimately shows (prompts, option ids and texts, items, lefts, rights)."""
    parts = [q["prompt"] for q in attempt["questions"]]
    for q in attempt["questions"]:
        parts += [o[k] for o in q.get("options", []) for k in ("id", "text")] + q.get("items", []) + q.get("left", []) + q.get("right", [])
    return plain(" ".join(parts))


def keys(value: Any) -> set[str]:
    """Every key of a JSON document at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def responses_before_submission(live: Live, quiz: Quiz, email: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A learner's attempt and every response they get about it before submitting: (URL, body) pairs."""
    browser = learner(live, email)
    created = browser.api("POST", f"/api/assessments/{quiz.id}/attempts")
    attempt = created.json()
    ident = attempt["id"]
    first = attempt["questions"][0]
    guess = {first["id"]: first["options"][0]["id"]} if first.get("options") else {}
    saved = browser.api("PUT", f"/api/attempts/{ident}/answers", {"answers": guess})
    bodies = [("start", created.text), ("save", saved.text)]
    for url in (f"/api/attempts/{ident}", f"/support/attempts/{ident}", f"/support/assessments/{quiz.id}",
                f"/api/assessments/{quiz.id}", "/api/assessments", "/support/assessments", "/support/me", "/api/me/learning"):
        response = browser.get(url)
        assert response.status_code == 200, url
        bodies.append((url, response.text))
    bodies.append(("form save", browser.form(f"/support/attempts/{ident}", {"action": "save", f"q-{first['id']}": "nonsense"}).text))
    return attempt, bodies


def test_attempt_responses_hold_no_answer_key(assess: Live) -> None:
    """Before submission no page or API response carries a key field, feedback, explanation or accepted answer; items and rights are shown as drawn."""
    for n, quiz in enumerate([*QUIZZES, load_quiz(ALL_TYPES)]):
        attempt, bodies = responses_before_submission(assess, quiz, f"learner{n}@example.com")
        visible = shown_texts(attempt)
        needles = {k: v for k, v in secrets_of(quiz).items() if k not in visible}
        for url, body in bodies:
            flat = plain(body)
            assert [where for needle, where in needles.items() if needle in flat] == [], url
            assert leaked_numbers(body) & numeric_keys(quiz) == set(), url
            if body.startswith(("{", "[")):
                assert keys(json.loads(body)) & KEY_FIELDS == set(), url
        by_id = {q.id: q for _, q in iter_questions(quiz)}
        stored = assess.app.state.store.one("SELECT paper FROM attempts WHERE id = ?", [attempt["id"]])["paper"]
        drawn = {q.id: q.order for q in Paper.model_validate_json(stored).questions}
        for shown in attempt["questions"]:  # shown as drawn: any arrangement, the correct one no more often than another
            question = by_id[shown["id"]]
            if isinstance(question, Ordering):
                assert shown["items"] == [question.items[k] for k in drawn[question.id]]
            if isinstance(question, Matching):
                assert shown["right"] == [question.pairs[k].right for k in drawn[question.id]]


def test_the_retention_check_holds_no_answer_key_before_submission(tmp_path: Path) -> None:
    """The retention check of every question of the all-types quiz (issue 18): no key text, number or field on its page."""
    from assessments_harness import begin, right_answers, start, submit
    from support_harness import stop_server

    server, thread, live = start(tmp_path, examples=False, retention_questions=50)
    try:
        quiz = load_quiz(ALL_TYPES)
        browser = learner(live, "kim@example.com")
        attempt = begin(browser)
        cert = submit(browser, attempt, right_answers(quiz, attempt))["certificate"]
        live.clock.advance(days=31)
        browser.login("kim@example.com")
        page = browser.get(f"/support/retention/{cert['id']}")
        assert page.status_code == 200
        assert page.text.count('class="question"') == len(list(iter_questions(quiz)))
        flat = plain(page.text)
        from support.assessments import retention
        check = retention.of_certificate(live.app.state.store, cert["id"])
        visible = shown_texts(retention.view(live.app.state.store, check))  # what the paper legitimately shows
        assert [where for needle, where in secrets_of(quiz).items() if needle not in visible and needle in flat] == []
        assert leaked_numbers(page.text) & numeric_keys(quiz) == set()
    finally:
        stop_server(server, thread, live)

"""Quiz submit and grade: ``POST /api/attempts/{id}/submit`` under load, and ``support.assessments.grading`` in-process.

Attempts are started beforehand through ``support.assessments.attempts.start`` for learners inserted
directly (one attempt each: the quizzes allow one attempt a day), and each learner's session
(a row of ``sessions``) is opened and its cookie signed with the server's secret as Starlette's ``SessionMiddleware`` does, so the
measured requests are only the submissions: each checks and grades the answers (about two in
three right), stores the result and, on a pass, issues the certificate.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from base64 import b64encode
from pathlib import Path
from typing import Any

import itsdangerous

from bench.report import Figure

SECRET = "bench-secret-key-" + "x" * 40


def _answer(question: Any, pq: Any, rng: random.Random) -> Any:
    right = rng.random() < 0.66
    kind = question.type
    if kind in ("single", "multiple"):
        ids = sorted(question.correct_ids()) if right else [rng.choice(pq.options)]
        return ids[0] if kind == "single" else ids
    if kind == "true-false":
        return question.answer if right else not question.answer
    if kind == "numeric":
        return question.answer if right else question.answer + 1000
    if kind == "short":
        return question.accept[0] if right else "no idea"
    order = list(range(len(pq.order)))
    rng.shuffle(order)
    return order if kind == "ordering" else [order[k % len(order)] for k in range(len(question.pairs))]


def answers_for(quiz: Any, paper: Any, rng: random.Random) -> dict[str, Any]:
    """A learner's answers to every question of a paper."""
    from generator.quizzes import questions_by_id

    by_id = questions_by_id(quiz)
    return {pq.id: _answer(by_id[pq.id], pq, rng) for pq in paper.questions}


def cookie(session_id: str, csrf: str) -> str:
    """The ``portal_session`` cookie the app would set for a signed-in learner (``session_id``: a row of ``sessions``)."""
    data = b64encode(json.dumps({"sid": session_id, "csrf": csrf}).encode())
    return "portal_session=" + itsdangerous.TimestampSigner(SECRET).sign(data).decode()


def prepare(data_dir: Path, portal_dir: Path, count: int, first: int = 0) -> list[dict[str, Any]]:
    """``count`` learners with one open attempt each; the submit request of each."""
    from support.assessments import attempts
    from support.assessments import grading
    from support.accounts import sessions
    from support.assessments.catalog import Catalog
    from support.clock import iso, system_clock
    from support.migrations import open_portal_store
    from support.settings import Settings

    catalog = Catalog.from_settings(Settings(data_dir=data_dir, portal_dir=portal_dir))
    quizzes = sorted(catalog.quizzes.values(), key=lambda q: q.id)
    store, rng, now, out = open_portal_store(data_dir / "portal.db"), random.Random(9), system_clock(), []
    with store.tx():
        for i in range(first, first + count):
            user_id = store.execute("INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, 'requester', 'x', ?)",
                                    [f"learner{i}@example.com", f"Learner {i}", iso(now)]).lastrowid
            quiz = quizzes[i % len(quizzes)]
            attempt = attempts.start(store, quiz, user_id, now, {})
            csrf, session_id = secrets.token_urlsafe(16), sessions.start(store, user_id, now, 14 * 24 * 3600)
            body = {"answers": answers_for(quiz, grading.Paper.model_validate_json(attempt["paper"]), rng)}
            out.append({"method": "POST", "path": f"/api/attempts/{attempt['id']}/submit", "body": json.dumps(body),
                        "headers": {"Cookie": cookie(session_id, csrf), "X-CSRF-Token": csrf}})
    store.close()
    return out


def http_figure(results: list[dict[str, Any]]) -> list[Figure]:
    """Submissions per second and p99 over HTTP (20 connections): medians over the load rounds, each round in the detail."""
    from bench.backend import median_of

    bad = sum(r["failures"] + sum(n for s, n in r["statuses"].items() if int(s) >= 400) for r in results)
    rounds = [{k: v for k, v in r.items() if k != "bodies"} for r in results]
    return [Figure("backend", "quiz attempt submit + grade: per s (20 connections)", median_of(results, "rps"), "req/s", ">=", 500,
                   detail={"rounds": rounds}, note=f"{bad} failed requests" if bad else ""),
            Figure("backend", "quiz attempt submit + grade: p99 latency", median_of(results, "p99_ms"), "ms", "<=", 50)]


def rounds(submits: list[dict[str, Any]], run: Any, count: int = 2000, warmup: int = 100) -> list[dict[str, Any]]:
    """``run(requests, count, warmup)`` once per block of ``count + warmup`` prepared submissions (each is sent once)."""
    size = count + warmup
    return [run(submits[k:k + size], count, warmup) for k in range(0, len(submits) - size + 1, size)]


def in_process(submissions: int = 3000) -> Figure:
    """``grade`` + ``review`` of drawn papers over the repository's quizzes, one core (context)."""
    import yaml

    from generator.quizzes import Quiz
    from support.assessments import grading

    files = sorted((Path(__file__).resolve().parents[1] / "quizzes").glob("*/*.yml"))
    quizzes = [Quiz.model_validate(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files]
    rng, times = random.Random(3), []
    for i in range(submissions):
        quiz = quizzes[i % len(quizzes)]
        paper = grading.draw_paper(quiz, rng)
        answers = answers_for(quiz, paper, rng)
        started = time.perf_counter()
        grading.review(quiz, paper, grading.grade(quiz, paper, answers))
        times.append(time.perf_counter() - started)
    times.sort()
    return Figure("backend", "support.assessments.grading grade + review in-process (context)", round(submissions / sum(times)), "per s", ">=", 500,
                  detail={"p50_ms": round(1000 * times[len(times) // 2], 3), "p99_ms": round(1000 * times[int(len(times) * 0.99)], 3)})

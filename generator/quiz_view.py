"""What a quiz's page on the static site shows: its rules, never its questions or answers."""

from __future__ import annotations

from typing import Any

from .quizzes import Quiz, questions_per_attempt

REVIEW_TEXT = {
    "score": "You see your score and whether you passed.",
    "wrong": "You see your score and which questions you got wrong.",
    "answers": "You see your score, the correct answers and explanations.",
}


def _hours(hours: float) -> str:
    if not hours:
        return "none"
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day" + ("" if days == 1 else "s")
    return f"{hours:g} hours"


def rules_view(quiz: Quiz) -> dict[str, Any]:
    """The public rules of a quiz for its site page (no question text, no answer data)."""
    cert = quiz.certification
    return {
        "title": quiz.title,
        "role": quiz.role,
        "description": quiz.description.strip(),
        "question_count": questions_per_attempt(quiz),
        "pass_mark": f"{quiz.pass_mark:g}",
        "time_limit": f"{quiz.time_limit_minutes} minutes" if quiz.time_limit_minutes else "none",
        "attempts": str(quiz.attempts_allowed) if quiz.attempts_allowed else "unlimited",
        "wait": _hours(quiz.retake_wait_hours),
        "review": REVIEW_TEXT[quiz.review.value],
        "certification": cert.name if cert else "",
        "validity_days": cert.validity_days if cert else "n/a",
        "covers": [
            {"kind": "article" if ref.article else "runbook", "id": ref.article or ref.runbook, "section": ref.section or ""}
            for ref in quiz.covers
        ],
    }

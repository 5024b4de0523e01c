"""Where a learner stands with a quiz: attempts used, an attempt in progress, when the next may start.

Attempts are counted per *cycle*: a pass starts a new one (so a certificate can be renewed with
the full number of attempts), and so does an administrator's grant (``portal attempts grant``).
The wait between attempts runs from the end of the last attempt unless an administrator lifted
it afterwards (``portal attempts reset-wait``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.quizzes import Quiz
from support.clock import iso, parse
from support.db.store import Store
from support.errors import NotFound

WHEN = "%Y-%m-%d %H:%M UTC"


@dataclass(frozen=True)
class Standing:
    """A learner's position with one quiz at one moment."""

    quiz_id: str
    title: str
    used: int
    allowed: int | None
    open_attempt: int | None
    next_at: dt.datetime | None
    wait_hours: float
    passed_before: bool

    @property
    def left(self) -> int | None:
        """Attempts left in this cycle (None: unlimited)."""
        return None if self.allowed is None else max(0, self.allowed - self.used)

    def refusal(self, now: dt.datetime) -> str | None:
        """Why a new attempt cannot start now, or None when it can."""
        if self.open_attempt is not None:
            return f"Your attempt at {self.title} is still in progress: continue it at /support/attempts/{self.open_attempt}"
        if self.left == 0:
            return (f"You have used all {self.allowed} attempts at {self.title}. "
                    "Ask an administrator to grant another attempt (portal attempts grant).")
        if self.next_at is not None and now < self.next_at:
            hours = f"{self.wait_hours:g} hour" + ("" if self.wait_hours == 1 else "s")
            return (f"You can start your next attempt at {self.title} at {self.next_at.strftime(WHEN)}: "
                    f"the rules ask for {hours} between attempts.")
        return None

    def public(self, now: dt.datetime) -> dict[str, Any]:
        """The standing as JSON for the API and pages."""
        refusal = self.refusal(now)
        return {"attempts_used": self.used, "attempts_allowed": self.allowed, "attempts_left": self.left,
                "open_attempt": self.open_attempt, "next_attempt_at": iso(self.next_at) if self.next_at else None,
                "can_start": refusal is None, "reason": refusal, "passed_before": self.passed_before}


def standing(db: Store, quiz: Quiz, user_id: int) -> Standing:
    """Count the learner's attempts in the current cycle and find the wait's end."""
    rows = db.all("SELECT id, status, passed, submitted_at FROM attempts WHERE user_id = ? AND quiz_id = ? ORDER BY id",
                  [user_id, quiz.id])
    resets = db.all("SELECT kind, after_attempt FROM attempt_resets WHERE user_id = ? AND quiz_id = ?", [user_id, quiz.id])
    passes = [r["id"] for r in rows if r["passed"]]
    grants = [r["after_attempt"] for r in resets if r["kind"] == "attempts"]
    cycle = max([0, *passes, *grants])
    open_attempt = next((r["id"] for r in rows if r["status"] == "open"), None)
    done = [r for r in rows if r["status"] == "submitted"]
    next_at = None
    if done and quiz.retake_wait_hours and not any(r["after_attempt"] >= done[-1]["id"] for r in resets):
        next_at = parse(done[-1]["submitted_at"]) + dt.timedelta(hours=quiz.retake_wait_hours)
    return Standing(quiz.id, quiz.title, sum(1 for r in rows if r["id"] > cycle), quiz.attempts_allowed,
                    open_attempt, next_at, quiz.retake_wait_hours, bool(passes))


def add_reset(db: Store, user_id: int, quiz_id: str, kind: str, actor: str, now: dt.datetime) -> None:
    """Lift the wait (``wait``) or start a fresh count of attempts (``attempts``, which lifts the wait too)."""
    last = db.one("SELECT max(id) AS id FROM attempts WHERE user_id = ? AND quiz_id = ?", [user_id, quiz_id])["id"]
    if last is None:
        raise NotFound(f"No attempts at {quiz_id} to reset")
    with db.tx():
        db.execute("INSERT INTO attempt_resets (user_id, quiz_id, kind, after_attempt, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                   [user_id, quiz_id, kind, last, actor, iso(now)])

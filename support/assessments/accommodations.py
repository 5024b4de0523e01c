"""Extra time for one learner (WCAG 2.2.1, timing adjustable): granted by a trainer or admin, for every timed
assessment or one, and enforced by the server like the time limit itself.

An attempt started after the grant gets the extra minutes in its deadline; an attempt open at the time of the
grant is extended at once (never shortened). A grant for one assessment wins over one for all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from support.clock import iso, parse
from support.db.store import Store
from support.errors import NotFound

ALL = ""


class Grant(BaseModel):
    """The grant form: whose, how many extra minutes, for which assessment ('' for all), and why."""

    model_config = ConfigDict(str_strip_whitespace=True)
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    extra_minutes: int = Field(ge=1, le=1440)
    quiz_id: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


def read_grant(fields: dict[str, Any], quiz_ids: set[str]) -> tuple[Grant | None, dict[str, str]]:
    """The grant a form asks for, or the message per field that is wrong."""
    try:
        grant = Grant.model_validate(fields)
    except ValidationError as exc:
        return None, {str(e["loc"][0]): MESSAGES.get(str(e["loc"][0]), e["msg"]) for e in exc.errors()}
    if grant.quiz_id and grant.quiz_id not in quiz_ids:
        return None, {"quiz_id": f"No assessment has the id {grant.quiz_id!r}"}
    return grant, {}


MESSAGES = {"email": "Enter the learner's email address, like name@example.com",
            "extra_minutes": "Enter whole minutes from 1 to 1440 (24 hours)",
            "note": "Keep the note to 300 characters", "quiz_id": "Choose an assessment from the list"}


def grant(db: Store, user_id: int, data: Grant, actor: str, now: dt.datetime) -> None:
    """Record (or replace) the learner's extra time and extend their open attempts it applies to."""
    with db.tx():
        db.execute("INSERT INTO time_accommodations (user_id, quiz_id, extra_minutes, granted_by, granted_at, note) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, quiz_id) DO UPDATE SET extra_minutes = excluded.extra_minutes, "
                   "granted_by = excluded.granted_by, granted_at = excluded.granted_at, note = excluded.note", [user_id, data.quiz_id, data.extra_minutes, actor, iso(now), data.note])
        for attempt in db.all("SELECT * FROM attempts WHERE user_id = ? AND status = 'open' AND deadline IS NOT NULL", [user_id]):
            _extend(db, attempt, extra_minutes(db, user_id, attempt["quiz_id"]))


def _extend(db: Store, attempt: dict[str, Any], extra: int) -> None:
    """Move an open attempt's deadline to its start + limit + extra, if that is later than now set."""
    quiz_limit = parse(attempt["deadline"]) - parse(attempt["started_at"]) - dt.timedelta(minutes=attempt_extra(attempt))
    deadline = parse(attempt["started_at"]) + quiz_limit + dt.timedelta(minutes=extra)
    if deadline > parse(attempt["deadline"]):
        grace = parse(attempt["closes_at"]) - parse(attempt["deadline"])
        db.execute("UPDATE attempts SET deadline = ?, closes_at = ?, extra_minutes = ? WHERE id = ? AND status = 'open'",
                   [iso(deadline), iso(deadline + grace), extra, attempt["id"]])


def attempt_extra(attempt: dict[str, Any]) -> int:
    """The extra minutes already in an attempt's deadline."""
    return int(attempt.get("extra_minutes") or 0)


def extra_minutes(db: Store, user_id: int, quiz_id: str) -> int:
    """The learner's extra minutes for a quiz (a grant for the quiz, else one for all; 0 without)."""
    rows = db.all("SELECT quiz_id, extra_minutes FROM time_accommodations WHERE user_id = ? AND quiz_id IN (?, ?)",
                  [user_id, quiz_id, ALL])
    by_quiz = {r["quiz_id"]: r["extra_minutes"] for r in rows}
    return by_quiz.get(quiz_id, by_quiz.get(ALL, 0))


def listing(db: Store) -> list[dict[str, Any]]:
    """Every grant with the learner's address and name, by learner."""
    return db.all("SELECT a.*, u.email, u.name FROM time_accommodations a JOIN users u ON u.id = a.user_id "
                  "ORDER BY u.email, a.quiz_id")


def withdraw(db: Store, user_id: int, quiz_id: str) -> None:
    """Remove a grant (attempts already started keep their deadline); ``NotFound`` if there is none."""
    with db.tx():
        done = db.execute("DELETE FROM time_accommodations WHERE user_id = ? AND quiz_id = ?", [user_id, quiz_id]).rowcount
    if not done:
        raise NotFound("No such extra-time grant")

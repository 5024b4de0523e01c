"""Cohorts: named groups of learners (for example "Night shift, Line 2") that trainers assign training to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.clock import iso
from support.db.store import Store
from support.errors import Conflict, NotFound

MAX_NAME = 120


def check_name(name: str) -> str | None:
    """What is wrong with a cohort name, or None."""
    if not name.strip():
        return "Give the cohort a name."
    if len(name.strip()) > MAX_NAME:
        return f"Use at most {MAX_NAME} characters."
    return None


def create(db: Store, name: str, trainer_id: int, now: dt.datetime) -> int:
    """A new cohort's id; ``Conflict`` if the name is taken (case-insensitive)."""
    name = name.strip()
    if db.one("SELECT 1 AS x FROM cohorts WHERE name = ?", [name]):
        raise Conflict(f"A cohort named {name} already exists")
    with db.tx():
        return db.execute("INSERT INTO cohorts (name, created_by, created_at) VALUES (?, ?, ?) RETURNING id",
                          [name, trainer_id, iso(now)]).fetchone()[0]


def get(db: Store, cohort_id: int) -> dict[str, Any]:
    """One cohort; ``NotFound`` otherwise."""
    cohort = db.one("SELECT * FROM cohorts WHERE id = ?", [cohort_id])
    if cohort is None:
        raise NotFound(f"Cohort {cohort_id} not found")
    return cohort


def listing(db: Store) -> list[dict[str, Any]]:
    """Every cohort by name, with its number of members."""
    return db.all("SELECT c.*, (SELECT count(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members "
                  "FROM cohorts c ORDER BY c.name")


def members(db: Store, cohort_id: int) -> list[dict[str, Any]]:
    """The cohort's learners by name."""
    return db.all("SELECT u.id, u.email, u.name, m.added_at FROM cohort_members m JOIN users u ON u.id = m.user_id "
                  "WHERE m.cohort_id = ? ORDER BY u.name, u.email", [cohort_id])


def add_member(db: Store, cohort_id: int, email: str, now: dt.datetime) -> dict[str, Any]:
    """Add the account with ``email`` (``NotFound`` if there is none); adding a member twice changes nothing."""
    get(db, cohort_id)
    user = db.one("SELECT id, email, name FROM users WHERE email = ?", [email.strip()])
    if user is None:
        raise NotFound(f"No account with email {email.strip()}")
    with db.tx():
        db.execute("INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   [cohort_id, user["id"], iso(now)])
    return user


def remove_member(db: Store, cohort_id: int, user_id: int) -> None:
    """Take a learner out of a cohort."""
    with db.tx():
        db.execute("DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?", [cohort_id, user_id])


def of_user(db: Store, user_id: int) -> list[int]:
    """Ids of the cohorts a learner belongs to."""
    return [r["cohort_id"] for r in db.all("SELECT cohort_id FROM cohort_members WHERE user_id = ?", [user_id])]

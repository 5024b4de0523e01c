"""The accounts domain as the rest of the backend uses it: users and roles, sign-in with its throttle, sessions.

Other domains, the web layer and the CLI import this module only; ``users``, ``sessions`` and
``throttle`` are its storage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from support.accounts import sessions, throttle
from support.accounts.preferences import chosen_time_zone, set_time_zone, time_zone
from support.accounts.users import (MIN_PASSWORD, ROLES, add_user, authenticate, display_name, get_user, get_user_by_email,
                                    has_role, list_agents, list_users, set_password, update_user, validate_new_user)
from support.db.store import Store

__all__ = ["MIN_PASSWORD", "ROLES", "SignIn", "add_user", "authenticate", "check_password", "display_name", "end_session",
           "get_user", "get_user_by_email", "has_role", "list_agents", "list_users", "session_user", "set_password", "sign_in",
           "update_user", "validate_new_user", "time_zone", "chosen_time_zone", "set_time_zone"]


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the account and its new session id, or how long to wait (throttled), or neither (wrong)."""

    user: dict[str, Any] | None = None
    session_id: str | None = None
    wait: int = 0


def sign_in(db: Store, email: str, password: str, client: str, known_device: bool, now: dt.datetime, max_age: int) -> SignIn:
    """Check a password unless sign-in is throttled for this account and client; open a session on success."""
    wait = throttle.locked_for(db, email, client, known_device, now)
    if wait:
        return SignIn(wait=wait)
    user = authenticate(db, email, password)
    if user is None:
        throttle.record_failure(db, email, client, now)
        return SignIn()
    throttle.record_success(db, email, client)
    return SignIn(user=user, session_id=sessions.start(db, user["id"], now, max_age))


def check_password(db: Store, user: dict[str, Any], password: str, client: str, now: dt.datetime) -> SignIn:
    """Confirm a signed-in user's current password (before a change), throttled like sign-in."""
    wait = throttle.locked_for(db, user["email"], client, True, now)
    if wait:
        return SignIn(wait=wait)
    if authenticate(db, user["email"], password) is None:
        throttle.record_failure(db, user["email"], client, now)
        return SignIn()
    return SignIn(user=user)


def session_user(db: Store, session_id: Any, now: dt.datetime) -> dict[str, Any] | None:
    """The account of a live session (ended, expired or unknown: None)."""
    return sessions.user_for(db, session_id, now)


def end_session(db: Store, session_id: Any) -> None:
    """End one session (signing out)."""
    sessions.end(db, session_id)

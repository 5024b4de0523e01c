"""Local accounts: argon2 password hashes, roles (requester < agent < admin; a trainer is a requester who also
runs training, not an agent), and their queries."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from support.accounts import sessions
from support.clock import iso
from support.db.store import Store
from support.errors import Conflict, NotFound

ROLES = ("requester", "trainer", "agent", "admin")
# Who holds each role's rights: an admin everything; a trainer is not an agent (no ticket queue), nor an agent a trainer.
HOLDERS = {"requester": set(ROLES), "trainer": {"trainer", "admin"}, "agent": {"agent", "admin"}, "admin": {"admin"}}
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MIN_PASSWORD = 8
MAX_PASSWORD, MAX_EMAIL, MAX_NAME = 200, 254, 120  # as the API's UserCreate
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown emails (equal timing), made on first use, not at import."""
    return _hasher.hash("timing-equaliser")


def has_role(user: dict[str, Any] | None, role: str) -> bool:
    """True if ``user`` is enabled and has ``role``'s rights (an admin has every role's; a trainer's are not an agent's)."""
    return bool(user) and not user["disabled"] and user["role"] in HOLDERS[role]


def validate_new_user(email: str, role: str, password: str, name: str = "") -> dict[str, str]:
    """Field -> message for each problem with a new account (empty if fine), with the API's limits (``UserCreate``):
    an account the sign-in form could never open (an address or password longer than it takes) is refused here."""
    errors = {}
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        errors["email"] = f"Enter an email address like name@example.com (at most {MAX_EMAIL} characters)."
    if role not in ROLES:
        errors["role"] = f"Role must be one of {', '.join(ROLES)}."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use at least {MIN_PASSWORD} characters."
    elif len(password) > MAX_PASSWORD:
        errors["password"] = f"Use at most {MAX_PASSWORD} characters."
    elif not _is_text(password):
        errors["password"] = "The password is not valid UTF-8 text; type it again."
    if len(name) > MAX_NAME or not _is_text(name):
        errors["name"] = f"Use at most {MAX_NAME} characters of UTF-8 text."
    return errors


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")  # bytes that were not UTF-8 reach Python as lone surrogates
    except UnicodeEncodeError:
        return False
    return True


def add_user(db: Store, email: str, role: str, password: str, name: str, now: dt.datetime) -> int:
    """Create an account and return its id; ``Conflict`` if the email is taken."""
    if get_user_by_email(db, email):
        raise Conflict(f"A user with email {email} already exists")
    with db.tx():
        return db.insert("users", {"email": email.strip(), "name": name.strip(), "role": role,
                                   "password_hash": _hasher.hash(password), "created_at": iso(now)})


def get_user(db: Store, user_id: int) -> dict[str, Any]:
    """The account with ``user_id``; ``NotFound`` otherwise."""
    user = db.one("SELECT * FROM users WHERE id = ?", [user_id])
    if user is None:
        raise NotFound(f"User {user_id} not found")
    return user


def get_user_by_email(db: Store, email: str) -> dict[str, Any] | None:
    """The account with ``email`` (case-insensitive), or None."""
    return db.one("SELECT * FROM users WHERE email = ?", [email.strip()])


def authenticate(db: Store, email: str, password: str) -> dict[str, Any] | None:
    """The enabled account matching email and password, or None (same cost either way)."""
    user = get_user_by_email(db, email)
    try:
        _hasher.verify(user["password_hash"] if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user["disabled"]:
        return None
    if _hasher.check_needs_rehash(user["password_hash"]):
        with db.tx():
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), user["id"]])
    return user


def list_users(db: Store) -> list[dict[str, Any]]:
    """Every account, by role then email."""
    return db.all(
        "SELECT id, email, name, role, disabled, created_at FROM users "
        "ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'agent' THEN 1 WHEN 'trainer' THEN 2 ELSE 3 END, email"
    )


def list_agents(db: Store) -> list[dict[str, Any]]:
    """Enabled agents and admins (who can be assigned tickets)."""
    return db.all("SELECT id, email, name, role FROM users WHERE role IN ('agent', 'admin') AND disabled = 0 ORDER BY name, email")


def update_user(db: Store, user_id: int, role: str | None = None, disabled: bool | None = None, name: str | None = None) -> dict[str, Any]:
    """Change an account's role, disabled flag and/or name; returns the updated account."""
    get_user(db, user_id)
    with db.tx():
        if name is not None:
            db.execute("UPDATE users SET name = ? WHERE id = ?", [name.strip(), user_id])
        if role is not None:
            db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        if disabled is not None:
            db.execute("UPDATE users SET disabled = ? WHERE id = ?", [int(disabled), user_id])
        if disabled:
            sessions.end_all(db, user_id)
    return get_user(db, user_id)


def set_password(db: Store, user_id: int, password: str, keep_session: str | None = None) -> int:
    """Replace an account's password and end its sessions (except ``keep_session``); returns how many ended."""
    with db.tx():
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), user_id])
        return sessions.end_all(db, user_id, keep=keep_session)


def display_name(user: dict[str, Any]) -> str:
    """The name to show for an account (its email when it has no name)."""
    return user.get("name") or user["email"]

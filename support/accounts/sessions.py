"""Server-side sessions: the cookie carries a random session id, the database its hash and expiry.

The session cookie itself is signed (Starlette's ``SessionMiddleware``) but a signature alone cannot
be taken back; a row here can. Signing out deletes the row, and changing the password or disabling
the account deletes every row of the account, so a copied cookie stops working at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from support.clock import iso
from support.db.store import Store


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(db: Store, user_id: int, now: dt.datetime, max_age: int) -> str:
    """Open a session for ``user_id`` lasting ``max_age`` seconds; returns the id to keep in the cookie."""
    session_id = secrets.token_urlsafe(32)
    with db.tx():
        db.execute("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", [user_id, iso(now)])  # the account's stale ones
        db.execute("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                   [_hash(session_id), user_id, iso(now), iso(now + dt.timedelta(seconds=max_age))])
    return session_id


def user_for(db: Store, session_id: Any, now: dt.datetime) -> dict[str, Any] | None:
    """The account of a live session (expired, ended or unknown: None)."""
    if not isinstance(session_id, str):
        return None
    return db.one("SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?",
                  [_hash(session_id), iso(now)])


def end(db: Store, session_id: Any) -> None:
    """End one session (signing out)."""
    if isinstance(session_id, str):
        with db.tx():
            db.execute("DELETE FROM sessions WHERE id_hash = ?", [_hash(session_id)])


def end_all(db: Store, user_id: int, keep: str | None = None) -> int:
    """End every session of an account, except ``keep`` (the one changing its own password); returns how many ended."""
    with db.tx():
        cursor = db.execute("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?", [user_id, _hash(keep) if keep else ""])
    return cursor.rowcount

"""The sign-in throttle, kept in the database: failed sign-ins lead to growing lockouts.

Sign-in failures are counted three ways: for the account from one client address, for the client
address over all accounts, and for the account from anywhere. Past a few free failures each key is
locked for a time that doubles with every further failure, up to ``MAX_LOCK`` seconds; attempts
while a key is locked are refused (429 with Retry-After) without checking the password and without
counting. A failure count is forgotten ``FORGET`` seconds after its last failure.

The account-wide key is what stops a password being guessed from many addresses, and it is also
what an attacker could use to keep the real user out. So it does not apply to a browser that
signed in to that account before (it holds a signed "known device" cookie, OWASP's device-cookie
scheme): the owner's own devices are never locked out by somebody else's failures.
"""

from __future__ import annotations

import datetime as dt
import math

from support.clock import iso, parse
from support.db.store import Store

FREE = {"pair": 5, "client": 20, "account": 20}  # failures allowed before lockouts begin
MAX_LOCK = 15 * 60
FORGET = 60 * 60


def _keys(email: str, client: str, known_device: bool) -> list[str]:
    email = email.strip().lower()
    keys = [f"pair:{email}|{client}", f"client:{client}"]
    return keys if known_device else [*keys, f"account:{email}"]


def locked_for(db: Store, email: str, client: str, known_device: bool, now: dt.datetime) -> int:
    """Seconds until a sign-in for ``email`` from ``client`` may be tried again (0: now)."""
    keys = _keys(email, client, known_device)
    rows = db.all(f"SELECT locked_until FROM login_failures WHERE key IN ({', '.join('?' * len(keys))})", keys)
    waits = [(parse(r["locked_until"]) - now).total_seconds() for r in rows if r["locked_until"]]
    return max(0, math.ceil(max(waits, default=0)))


def record_failure(db: Store, email: str, client: str, now: dt.datetime) -> None:
    """Count a wrong password for every key of the attempt, locking the keys past their free failures."""
    with db.tx():
        for key in _keys(email, client, known_device=False):
            row = db.one("SELECT failures, last_at FROM login_failures WHERE key = ?", [key])
            fresh = row is None or (now - parse(row["last_at"])).total_seconds() > FORGET
            failures = 1 if fresh else row["failures"] + 1
            over = failures - FREE[key.split(":", 1)[0]]
            locked = iso(now + dt.timedelta(seconds=min(MAX_LOCK, 2 ** (over - 1)))) if over > 0 else ""
            db.execute("INSERT INTO login_failures (key, failures, locked_until, last_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, "
                       "last_at = excluded.last_at", [key, failures, locked, iso(now)])


def record_success(db: Store, email: str, client: str) -> None:
    """Forget the account's failures after a correct password (the client's count over all accounts stays)."""
    keys = [k for k in _keys(email, client, known_device=False) if not k.startswith("client:")]
    with db.tx():
        db.execute(f"DELETE FROM login_failures WHERE key IN ({', '.join('?' * len(keys))})", keys)

"""Canned replies: reply templates kept by admins (shared) and agents (their own), and how one becomes a reply.

A template's body may name ``{requester_name}``, ``{ticket_number}`` and ``{private_link}``; any other brace is
left as typed. Applying one may also set the ticket's status and priority when the reply is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from support.db.store import Store
from support.clock import iso

PLACEHOLDERS = ("requester_name", "ticket_number", "private_link")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def visible(db: Store, user_id: int) -> list[dict[str, Any]]:
    """The shared templates and the agent's own, shared first, each by title."""
    return db.all("SELECT * FROM reply_templates WHERE owner_id IS NULL OR owner_id = ? "
                  "ORDER BY owner_id IS NOT NULL, title COLLATE NOCASE, id", [user_id])


def get(db: Store, template_id: int, user_id: int) -> dict[str, Any] | None:
    """One template the agent may use (shared or their own), or None."""
    return db.one("SELECT * FROM reply_templates WHERE id = ? AND (owner_id IS NULL OR owner_id = ?)", [template_id, user_id])


def add(db: Store, fields: dict[str, Any], owner_id: int | None, now: dt.datetime) -> int:
    """Store a template (``owner_id`` None: shared with every agent); returns its id."""
    with db.tx():
        cursor = db.execute(
            "INSERT INTO reply_templates (title, body, set_status, set_priority, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [fields["title"], fields["body"], fields.get("set_status"), fields.get("set_priority"), owner_id, iso(now)])
    return int(cursor.lastrowid)


def delete(db: Store, template_id: int) -> None:
    """Remove a template."""
    with db.tx():
        db.execute("DELETE FROM reply_templates WHERE id = ?", [template_id])


def fill(body: str, values: dict[str, str]) -> str:
    """The body with each known placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def article_block(page: dict[str, Any], url: str) -> str:
    """The lines an inserted KB article adds to a reply: title, link and summary."""
    lines = [page.get("title") or page["id"], url, (page.get("summary") or "").strip()]
    return "\n".join(line for line in lines if line)


def appended(body: str, text: str) -> str:
    """``text`` added to the end of the reply being written, after a blank line."""
    body = body.rstrip()
    return f"{body}\n\n{text}" if body else text

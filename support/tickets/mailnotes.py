"""Mail from an address that is not the ticket's requester: kept as an internal note, until an agent accepts it.

An agent who knows the sender speaks for the requester (a colleague, the requester's other address) accepts
the note as the requester's reply: the sender's own text is added as that reply (the requester sees it, the
assignee is told), and the note says who accepted it and when. Each note is accepted once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.clock import iso
from support.db.store import Store
from support.errors import Conflict, NotFound


def note_text(sender: str, body: str) -> str:
    """The note's text as agents read it."""
    return f"Mail from {sender}, who is not the requester (not shown to the requester):\n\n{body}"


def mark(db: Store, message_id: int, sender: str, body: str) -> None:
    """Remember that a note is a mail from ``sender`` with the sender's own text ``body``."""
    db.execute("UPDATE messages SET mail_sender = ?, mail_body = ? WHERE id = ?", [sender, body, message_id])


def acceptable(db: Store, ticket_id: int, message_id: int) -> dict[str, Any]:
    """The mail note ``message_id`` of the ticket, not yet accepted; ``NotFound`` or ``Conflict`` otherwise."""
    note = db.one("SELECT * FROM messages WHERE id = ? AND ticket_id = ?", [message_id, ticket_id])
    if note is None or not note["mail_sender"]:
        raise NotFound(f"Ticket {ticket_id} has no mail note {message_id}")
    if note["accepted_at"]:
        raise Conflict(f"The mail from {note['mail_sender']} was accepted as the requester's reply already")
    return note


def accepted(db: Store, message_id: int, agent: str, now: dt.datetime) -> None:
    """Record who accepted the note, and when."""
    db.execute("UPDATE messages SET accepted_at = ?, accepted_by = ? WHERE id = ?", [iso(now), agent, message_id])

"""Mail in, the reading half: a Maildir's new messages, machine mail told apart, the reply's own text cut from the quote.

``support.tickets.service.read_mail`` decides what each message becomes (a ticket, a reply, a note, or parked).
A message read is moved from ``new/`` to ``cur/`` (parked ones to the ``.parked`` folder) after its outcome is
committed; a crash in between reads it again, and its Message-ID (kept in ``mail_in``) makes that a no-op.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path

BATCH = 50
MACHINE_PRECEDENCE = ("bulk", "auto_reply", "junk", "list")
MACHINE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.IGNORECASE)
QUOTE_START = re.compile(r"^(On .{0,300}wrote:|-----\s*Original Message\s*-----|_{10,}|From: .+)\s*$", re.IGNORECASE)
SIGNATURE = re.compile(r"^(-- |--|Sent from my .+)\s*$")


@dataclass(frozen=True)
class Incoming:
    """One message as mail in uses it."""

    path: Path
    message_id: str
    sender: str
    sender_name: str
    subject: str
    body: str
    references: list[str]
    attachments: tuple[tuple[str, bytes], ...]  # (file name, content) of each attached file
    machine: str  # why it is machine mail ('' if a person wrote it)


def prepare(inbox: Path) -> None:
    """Create the Maildir's folders (``new``, ``cur``, ``tmp`` and ``.parked``) if missing."""
    for folder in (inbox, inbox / ".parked"):
        for part in ("new", "cur", "tmp"):
            (folder / part).mkdir(parents=True, exist_ok=True)


def waiting(inbox: Path) -> list[Path]:
    """The unread messages, oldest first (Maildir names start with the delivery time)."""
    return sorted(p for p in (inbox / "new").iterdir() if p.is_file())[:BATCH]


def done(inbox: Path, path: Path, parked: bool) -> None:
    """Mark a message read (``cur/``, flag S), or move it to the parked folder."""
    target = (inbox / ".parked" if parked else inbox) / "cur" / f"{path.name.split(':')[0]}:2,S"
    os.replace(path, target)


def read(path: Path) -> Incoming:
    """Parse one message file."""
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, sender = parseaddr(str(message.get("From", "")))
    references = [r for h in ("In-Reply-To", "References") for r in re.findall(r"<[^<>\s]+>", str(message.get(h, "")))]
    message_id = str(message.get("Message-ID", "")).strip() or f"<sha256-{hashlib.sha256(raw).hexdigest()}@mail-in>"
    return Incoming(path, message_id[:500], sender.strip().lower(), name.strip()[:120], re.sub(r"\s+", " ", str(message.get("Subject", ""))).strip(),
                    own_text(_text(message)), references, _attachments(message), machine_reason(message, sender))


def _attachments(message: EmailMessage) -> tuple[tuple[str, bytes], ...]:
    """The attached files (inline images with a file name included), each as (file name, content)."""
    found = []
    for part in message.walk():
        name = part.get_filename()
        if part.is_multipart() or not name or part is message:
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append((name, data))
    return tuple(found)


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    return re.sub(r"<[^>]+>", "", text) if part.get_content_subtype() == "html" else text


def machine_reason(message: EmailMessage, sender: str) -> str:
    """Why a message was sent by a machine (an auto-reply, a bounce, a list), so it must never be answered; '' if not."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in MACHINE_PRECEDENCE:
        return f"Precedence: {precedence}"
    if str(message.get("Return-Path", "x")).strip() in ("<>", ""):
        return "empty return path (a bounce)"
    if message.get_content_type() == "multipart/report":
        return "a delivery or read report"
    if any(h in message for h in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return "auto-reply or list headers"
    if not sender or MACHINE_SENDERS.match(sender):
        return f"sent by {sender or 'nobody'}"
    return ""


def own_text(text: str) -> str:
    """The text the sender wrote: the quoted history ("On ... wrote:", ``>`` lines) and the signature cut off."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if QUOTE_START.match(line) or SIGNATURE.match(line):
            break
        if not line.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def addresses(value: str) -> list[str]:
    """The addresses of a header value, lower case."""
    return [a.lower() for _, a in getaddresses([value]) if a]

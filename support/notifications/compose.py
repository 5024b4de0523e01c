"""Mail rendering: each kind of notification is a pair of Jinja2 templates (plain text and HTML) and a subject line.

Templates live in ``support/notifications/templates``: ``<kind>.txt`` and ``<kind>.html``, both given the
values the caller passes plus ``site_name`` and ``footer`` (why the recipient gets it, and where to change that).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import secrets
import string
from dataclasses import dataclass
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from support.clock import parse
from support.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
SUBJECTS = {
    "ticket_received": "[#{id}] We received your request: {subject}",
    "agent_reply": "[#{id}] New reply: {subject}",
    "waiting_for_you": "[#{id}] Waiting for your answer: {subject}",
    "resolved": "[#{id}] Resolved: {subject}",
    "merged": "[#{id}] Merged into #{target_id}: {subject}",
    "new_urgent_ticket": "[#{id}] New {priority} ticket: {subject}",
    "assigned_to_you": "[#{id}] Assigned to you: {subject}",
    "requester_replied": "[#{id}] The requester replied: {subject}",
    "sla_at_risk": "[#{id}] SLA at risk: {subject}",
    "sla_breached": "[#{id}] SLA breached: {subject}",
    "certificate_expiring": "Your certificate {name} expires in {days} days",
    "certificate_expired": "Your certificate {name} has expired",
    "daily_digest": "Your daily digest: {count} notification(s)",
    "owner_digest": "Weekly review digest: {overdue} overdue, {due_soon} due soon ({owner})",
    # training (issue 18)
    "assignment_due": "Your training {role_title} is due on {due}",
    "assignment_overdue": "Your training {role_title} is overdue",
    "retention_due": "A short retention check for {name}",
    "content_changed": "Content changed since your certificate {name}",
    "trainer_digest": "Training this week: {overdue} overdue, {due_soon} due soon",
}
KINDS = tuple(SUBJECTS)
# What agents and learners may turn off (a requester's mail about their own ticket always goes).
OPTIONAL = {"new_urgent_ticket": "a new P1 or P2 ticket", "assigned_to_you": "a ticket assigned to you",
            "requester_replied": "the requester replied on your ticket", "sla_at_risk": "a ticket's SLA is at risk",
            "sla_breached": "a ticket's SLA is breached", "certificate_expiring": "your certificate expires soon",
            "certificate_expired": "your certificate has expired",
            "assignment_due": "your assigned training is due soon", "assignment_overdue": "your assigned training is overdue",
            "retention_due": "a retention check after certification", "content_changed": "content changed since your certificate",
            "trainer_digest": "the weekly training digest (trainers)"}


def register(kind: str, subject: str, label: str | None = None) -> None:
    """Add a kind of mail from another domain: its subject line (``str.format`` over its values) and, if people may
    choose it (turn it off, or get it in their daily digest), the label the choices page shows.

    Its templates are ``templates/<kind>.txt`` and ``.html``. Nothing else changes: ``enqueue`` renders it,
    and a daily digest lists it for whoever chose the digest for it.
    """
    SUBJECTS[kind] = subject
    if label is not None:
        OPTIONAL[kind] = label


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The mail templates' environment: HTML autoescaped, plain text as written."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=False),
                       undefined=StrictUndefined, auto_reload=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def one_line(text: str, limit: int = 200) -> str:
    """Text fit for a header: whitespace (line breaks included) collapsed, at most ``limit`` characters."""
    return re.sub(r"\s+", " ", str(text)).strip()[:limit]


def render(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """The subject, plain-text and HTML bodies of one notification."""
    text, html = bodies(kind, values)
    return {"subject": subject(kind, values), "text_body": text, "html_body": html}


def subject(kind: str, values: dict[str, Any]) -> str:
    """The subject line of one notification (``SUBJECTS[kind]`` over its values, fit to one line)."""
    fields = {**values.get("ticket", {}), **values.get("certificate", {}),
              **{k: v for k, v in values.items() if isinstance(v, (str, int))}}
    pattern = SUBJECTS[kind]
    # only the fields the subject names: fitting every ticket field to one line was a third of a receipt's rendering
    return one_line(pattern.format(**{k: one_line(fields[k]) for k in _subject_fields(pattern) if k in fields}))


def bodies(kind: str, values: dict[str, Any]) -> tuple[str, str]:
    """The plain-text and HTML bodies of one notification."""
    env = environment()
    return env.get_template(f"{kind}.txt").render(values), env.get_template(f"{kind}.html").render(values)


def payload(values: dict[str, Any]) -> str:
    """A notification's template values as the outbox keeps them (JSON), to render its bodies when it is sent."""
    # default=str: a date or a path among the values is kept as the text a template would print
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)


def row_bodies(row: dict[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of an outbox row: rendered from its values, or as stored (digests, rows from before values)."""
    if row.get("payload"):
        return bodies(row["kind"], json.loads(row["payload"]))
    return row["text_body"], row["html_body"]


@lru_cache(maxsize=256)
def _subject_fields(pattern: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(pattern) if name)


def mail_domain(settings: Settings) -> str:
    """The domain of the portal's own address (``PORTAL_MAIL_FROM``): the right-hand side of every Message-ID."""
    return parseaddr(settings.mail_from)[1].rpartition("@")[2]


def message_id(row: dict[str, Any], settings: Settings) -> str:
    """The stable ``Message-ID`` of an outbox row: the same on every attempt, so a repeat is recognisable."""
    return f"<outbox-{row['id']}.{row['nonce']}@{mail_domain(settings)}>"


def parse_message_id(value: str, settings: Settings) -> tuple[int, str] | None:
    """(outbox id, nonce) of a Message-ID this portal made (``message_id``), else None."""
    found = re.fullmatch(r"<outbox-([0-9]{1,18})\.([0-9a-f]{12})@([^>]+)>", value.strip())
    if not found or found.group(3).lower() != mail_domain(settings).lower():
        return None
    return int(found.group(1)), found.group(2)


def thread_id(ticket_id: int, settings: Settings) -> str:
    """The id every mail about one ticket refers to (``References``), so mail programs show them as one thread."""
    return f"<ticket-{ticket_id}@{mail_domain(settings)}>"


@dataclass(frozen=True)
class Outgoing:
    """One message ready to send: its headers, envelope addresses and bodies; ``as_bytes`` writes it (RFC 5322, MIME)."""

    headers: tuple[tuple[str, str], ...]
    sender: str
    recipient: str
    text_body: str
    html_body: str

    def as_bytes(self, linesep: str = "\n") -> bytes:
        """The message as a mail program reads it: ``multipart/alternative`` of the plain text and the HTML, 7-bit clean.

        Written directly rather than through ``email.generator``: flattening a ``MIMEMultipart`` took 0.8 ms, most
        of a delivery, and the sender's thread shares the GIL with every request (see docs/performance.md).
        """
        bodies = tuple(body.replace("\r\n", "\n").replace("\r", "\n") for body in (self.text_body, self.html_body))
        boundary = f"=_{secrets.token_hex(12)}"
        while any(boundary in body for body in bodies):  # as email.generator does: never a line a body could hold
            boundary = f"=_{secrets.token_hex(12)}"
        lines = [f"{key}: {value}" for key, value in self.headers]
        lines += ["MIME-Version: 1.0", f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
        for subtype, body in zip(("plain", "html"), bodies):
            lines += [f"--{boundary}", *_part(subtype, body)]
        lines += [f"--{boundary}--", ""]
        text = "\n".join(lines)
        return (text if linesep == "\n" else text.replace("\n", linesep)).encode("ascii")


def build(row: dict[str, Any], settings: Settings) -> Outgoing:
    """The message of an outbox row: plain text and HTML alternatives, marked as sent by a machine (RFC 3834)."""
    sender = parseaddr(settings.mail_from)
    headers = [("From", formataddr(sender, charset="utf-8")),
               ("To", _header(row["recipient"])),
               ("Subject", _header(row["subject"])),
               ("Date", format_datetime(parse(row["created_at"]).astimezone(dt.UTC))),
               ("Message-ID", message_id(row, settings))]
    if row["ticket_id"] is not None:
        headers.append(("References", thread_id(row["ticket_id"], settings)))
    headers += [("Auto-Submitted", "auto-generated"),  # auto-responders must not answer (RFC 3834)
                ("X-Portal-Notification", row["kind"])]
    return Outgoing(tuple(headers), sender[1], row["recipient"], *row_bodies(row))


def _header(value: str) -> str:
    """A header value as 7-bit text: as written when ASCII, else RFC 2047 encoded words, one per folded line.

    Each word holds at most 45 bytes of whole characters (60 of base64, a 72-character line);
    ``email.header.Header`` does the same in 0.8 ms for a long subject.
    """
    if value.isascii():
        return value
    words, chunk = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _part(subtype: str, body: str) -> list[str]:
    """A body part's headers, blank line and text: plain ASCII of short lines as written (an .eml file reads as
    text), anything else quoted-printable UTF-8."""
    if body.isascii() and all(len(line) <= 900 for line in body.split("\n")):
        return [f'Content-Type: text/{subtype}; charset="us-ascii"', "Content-Transfer-Encoding: 7bit", "", body]
    return [f'Content-Type: text/{subtype}; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable", "",
            binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii")]

"""The message the outbox sends, as a mail program parses it: headers, both bodies, 7-bit clean, lines in bounds."""

from __future__ import annotations

import email
import email.policy

import pytest

from support.notifications import compose
from support.settings import load_settings

SETTINGS = load_settings(mail_from="Línea 4 <support@plant.example>")


def row(**changes: object) -> dict:
    """An outbox row as the sender reads it."""
    base = {"id": 41, "nonce": "0123456789ab", "ticket_id": 7, "kind": "agent_reply", "recipient": "olga@example.com",
            "subject": "[#7] New reply: Conveyor jammed", "created_at": "2026-11-23T13:00:00+00:00",
            "text_body": "Hello Olga,\nplease restart the drive.\n", "html_body": "<p>Hello Olga,</p>\n"}
    return base | changes


def parsed(message: compose.Outgoing, linesep: str = "\n") -> email.message.EmailMessage:
    raw = message.as_bytes(linesep)
    assert raw.isascii() and max(len(line) for line in raw.split(linesep.encode())) <= 998
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_headers_and_both_bodies_read_back(linesep: str) -> None:
    """Written with LF (an .eml file) or CRLF (SMTP), the same headers and the two alternatives come back."""
    sent = parsed(compose.build(row(), SETTINGS), linesep)
    assert sent.get_content_type() == "multipart/alternative" and not sent.defects
    assert sent["Message-ID"] == "<outbox-41.0123456789ab@plant.example>"
    assert (sent["References"], sent["Auto-Submitted"], sent["X-Portal-Notification"]) == (
        "<ticket-7@plant.example>", "auto-generated", "agent_reply")
    assert sent["From"].addresses[0].display_name == "Línea 4" and sent["To"] == "olga@example.com"
    assert sent.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Hello Olga,\nplease restart the drive.\n"
    assert sent.get_body(("html",)).get_content().replace("\r\n", "\n") == "<p>Hello Olga,</p>\n"


def test_a_long_subject_in_any_script_is_encoded_and_folded() -> None:
    """Accents, CJK and an emoji over 200 characters: encoded words on folded lines, decoding to the same subject."""
    subject = "[#7] Förderband steht – " + "日本語の件名 " * 20 + "😀"
    sent = parsed(compose.build(row(subject=subject), SETTINGS))
    assert sent["Subject"] == subject


def test_bodies_with_accents_long_lines_and_carriage_returns_go_quoted_printable() -> None:
    """A reply typed in a browser (CRLF), with a 1,200-character line and accents, reads back with LF line ends."""
    text = "Grüße\r\n" + "x" * 1200 + "\r\n= not a soft break =\r\n"
    sent = parsed(compose.build(row(text_body=text), SETTINGS))
    plain = sent.get_body(("plain",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content() == text.replace("\r\n", "\n")


def test_a_body_that_imitates_a_boundary_does_not_split_the_message() -> None:
    """A requester cannot end a part early by writing boundary-like lines: the parts stay two, each whole."""
    text = "--=_\n--=_0123\n\n--\nend\n"
    sent = parsed(compose.build(row(text_body=text), SETTINGS))
    assert [part.get_content_type() for part in sent.iter_parts()] == ["text/plain", "text/html"]
    assert sent.get_body(("plain",)).get_content() == text

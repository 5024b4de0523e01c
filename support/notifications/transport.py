"""Where messages go: an SMTP server (``PORTAL_SMTP_*``) or, with none set, one ``.eml`` file each under ``<data_dir>/mail/``.

Both are blocking and run in a thread, never on the event loop. A transport sends a batch over one
connection and reports each message's outcome: accepted, or the answer that refused it.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from pathlib import Path
from typing import Protocol

from support.notifications.compose import Outgoing
from support.notifications.outbox import Outcome
from support.settings import Settings


class Transport(Protocol):
    """Sends a batch of (outbox id, message) pairs."""

    def send(self, batch: list[tuple[int, Outgoing]]) -> list[Outcome]: ...


class FileTransport:
    """Writes each message to ``<folder>/<outbox id>.eml`` (a repeat overwrites the same file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, batch: list[tuple[int, Outgoing]]) -> list[Outcome]:
        self.folder.mkdir(parents=True, exist_ok=True)
        outcomes = []
        for outbox_id, message in batch:
            target = self.folder / f"{outbox_id:08d}.eml"
            partial = target.with_suffix(".eml.partial")
            partial.write_bytes(message.as_bytes())
            os.replace(partial, target)  # a reader never sees half a message
            outcomes.append(Outcome(outbox_id, True))
        return outcomes


class SmtpTransport:
    """Delivers over SMTP with the settings' security (none, STARTTLS or SSL) and login."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port_or_default, timeout=s.smtp_timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port_or_default, timeout=s.smtp_timeout)
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        return smtp

    def send(self, batch: list[tuple[int, Outgoing]]) -> list[Outcome]:
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:  # the server is down or refuses us: every message waits
            return [Outcome(outbox_id, False, describe(exc)) for outbox_id, _ in batch]
        outcomes = []
        try:
            for outbox_id, message in batch:
                outcomes.append(self._send_one(smtp, outbox_id, message))
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        return outcomes + [Outcome(i, False, "connection lost") for i, _ in batch[len(outcomes):]]

    def _send_one(self, smtp: smtplib.SMTP, outbox_id: int, message: Outgoing) -> Outcome:
        try:
            # an address beyond ASCII needs the server's SMTPUTF8 (smtplib refuses it otherwise: SMTPNotSupportedError)
            options = () if message.sender.isascii() and message.recipient.isascii() else ("SMTPUTF8",)
            smtp.sendmail(message.sender, [message.recipient], message.as_bytes("\r\n"), mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            return Outcome(outbox_id, False, f"{code} {answer.decode(errors='replace')}", permanent=code >= 500)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return Outcome(outbox_id, False, f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}",
                           permanent=exc.smtp_code >= 500)
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome(outbox_id, False, describe(exc))
        return Outcome(outbox_id, True)


def describe(exc: BaseException) -> str:
    """A failure as the outbox page shows it: the server's answer, or what went wrong on the way."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "the SMTP server did not answer in time"
    return f"{type(exc).__name__}: {exc}"


def make_transport(settings: Settings) -> Transport:
    """SMTP when ``PORTAL_SMTP_HOST`` is set, else ``.eml`` files under ``<data_dir>/mail/``."""
    return SmtpTransport(settings) if settings.smtp_host else FileTransport(settings.mail_dir)

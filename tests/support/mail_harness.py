"""A real SMTP server for the mail tests: aiosmtpd's Controller on 127.0.0.1, keeping every message it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    """One message as the server took it: the envelope's recipients and the parsed message."""

    rcpt: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part."""
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        """The HTML part."""
        return self.message.get_body(("html",)).get_content()


@dataclass
class Sink:
    """The handler: keeps messages; ``refuse`` makes it answer RCPT with that reply instead (``'450 ...'``, ``'550 ...'``)."""

    received: list[Received] = field(default_factory=list)
    refuse: str | None = None
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        """The messages delivered to ``address``."""
        with self.lock:
            return [r for r in self.received if address in r.rcpt]

    def wait_for(self, count: int, timeout: float = 10, address: str | None = None) -> list[Received]:
        """Wait until at least ``count`` messages (to ``address``, if given) arrived; return them."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [r for r in self.received if address is None or address in r.rcpt]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"{len(found)} of {count} messages arrived: {[r.message['Subject'] for r in found]}"
                return found
            time.sleep(0.02)

    def message_ids(self) -> list[str]:
        """The Message-ID of every message received, repeats included."""
        with self.lock:
            return [r.message["Message-ID"] for r in self.received]


class SmtpServer:
    """aiosmtpd listening on 127.0.0.1 on a free port, with a ``Sink``."""

    def __init__(self, port: int) -> None:
        self.sink = Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()

    @property
    def settings(self) -> dict[str, Any]:
        """The portal's settings that deliver to this server."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.controller.port, "smtp_security": "none",
                "mail_from": "Line 4 support <support@plant.example>", "mail_poll_seconds": 0.05,
                "mail_in_seconds": 0.05}

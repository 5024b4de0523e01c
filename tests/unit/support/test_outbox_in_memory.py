"""The outbox's rules on an in-memory database: same transaction as the change, backoff, permanent failures, resend."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.db.store import Store
from support.migrations import open_portal_store
from support.notifications import outbox
from support.notifications import service as notifications
from support.settings import load_settings

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
SETTINGS = load_settings(mail_from="Support <support@plant.example>")
TICKET = {"id": 7, "subject": "Conveyor jammed", "requester_name": "Olga", "requester_email": "olga@example.com",
          "priority": "P3", "category": "Problem"}


@pytest.fixture
def db(database: Path | str) -> Iterator[Store]:
    """A fresh portal database (SQLite, or PostgreSQL with PORTAL_TEST_DATABASE=postgresql), every migration applied."""
    store = open_portal_store(database)
    yield store
    store.close()


def queue(db: Store) -> int:
    """One receipt queued for Olga; its outbox id."""
    values = {"ticket": TICKET, "ticket_url": "http://x/support/t/abc", "proof_url": None, "proof_days": 7, "reason": "test"}
    return notifications.enqueue(db, SETTINGS, "ticket_received", ["Olga@Example.com", "olga@example.com"], values, NOW, 7)[0]


def test_a_notification_rolls_back_with_the_change_that_caused_it(db: Store) -> None:
    """Queued inside a transaction that fails, the message is gone with it; committed, it is there once per address."""
    with pytest.raises(RuntimeError), db.tx():
        queue(db)
        raise RuntimeError("the change failed")
    assert outbox.counts(db) == {"queued": 0, "sent": 0, "failed": 0}
    queue(db)
    assert [r["recipient"] for r in outbox.due(db, NOW, 10)] == ["olga@example.com"]


def test_temporary_failures_are_retried_with_doubling_waits_then_given_up(db: Store) -> None:
    """30 s, 1 min, 2 min ... after each 4xx; after MAX_ATTEMPTS the message is failed with the last answer."""
    message = queue(db)
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        outbox.record(db, [outbox.Outcome(message, False, "451 4.3.0 try again later")], NOW)
        row = outbox.get(db, message)
        waits.append(dt.datetime.fromisoformat(row["next_attempt_at"]) - NOW)
    assert [w.total_seconds() for w in waits[:4]] == [30, 60, 120, 240]
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", outbox.MAX_ATTEMPTS, "451 4.3.0 try again later")


def test_a_permanent_refusal_fails_at_once_and_resend_queues_it_again(db: Store) -> None:
    """A 5xx answer is final; resending a failed message queues the same message (same Message-ID) from scratch."""
    message = queue(db)
    outbox.record(db, [outbox.Outcome(message, False, "550 5.1.1 no such user", permanent=True)], NOW)
    failed = outbox.get(db, message)
    assert (failed["status"], failed["last_error"]) == ("failed", "550 5.1.1 no such user")
    assert notifications.resend(db, message, NOW) == message
    again = outbox.get(db, message)
    assert (again["status"], again["attempts"], again["nonce"]) == ("queued", 0, failed["nonce"])


def test_the_message_id_is_derived_from_the_outbox_row(db: Store) -> None:
    """Every build of one row carries the same Message-ID, in the portal's own domain."""
    row = outbox.get(db, queue(db))
    first, second = (email.message_from_bytes(notifications.build_message(row, SETTINGS).as_bytes(), policy=email.policy.default)
                     for _ in range(2))  # as a mail program reads it
    assert first["Message-ID"] == second["Message-ID"] == f"<outbox-{row['id']}.{row['nonce']}@plant.example>"
    sent = first
    assert sent.get_body(("plain",)) is not None and sent.get_body(("html",)) is not None


def test_a_message_with_accents_reads_back_as_written(db: Store) -> None:
    """Non-ASCII subject, sender name and bodies are encoded (RFC 2047, quoted-printable) and decode to the same text."""
    ticket = {**TICKET, "subject": "Zürich – Förderband steht", "requester_name": "Jürgen"}
    values = {"ticket": ticket, "ticket_url": "http://x/support/t/abc", "proof_url": None, "proof_days": 7, "reason": "test"}
    queued = notifications.enqueue(db, SETTINGS, "ticket_received", ["olga@example.com"], values, NOW, 7)[0]
    raw = notifications.build_message(outbox.get(db, queued),
                                      SETTINGS.model_copy(update={"mail_from": "Línea 4 <support@plant.example>"})).as_bytes()
    assert raw.isascii()
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert (sent["Subject"], sent["From"].addresses[0].display_name) == ("[#7] We received your request: Zürich – Förderband steht",
                                                                         "Línea 4")
    text, html = sent.get_body(("plain",)).get_content(), sent.get_body(("html",)).get_content()
    assert "Hello Jürgen," in text and '"Zürich – Förderband steht"' in text
    assert "<p>Hello Jürgen,</p>" in html and "Zürich – Förderband steht" in html
    assert (text, html) == tuple(notifications.message(db, queued)[k] for k in ("text_body", "html_body"))  # what the admin sees


def test_the_bodies_are_rendered_when_sent_and_escaped_there(db: Store) -> None:
    """The outbox keeps the values; the HTML part escapes what the requester typed, the plain part keeps it as typed."""
    ticket = {**TICKET, "subject": "<script>alert(1)</script> & more"}
    values = {"ticket": ticket, "ticket_url": "http://x/support/t/abc", "proof_url": None, "proof_days": 7, "reason": "test"}
    row = outbox.get(db, notifications.enqueue(db, SETTINGS, "ticket_received", ["olga@example.com"], values, NOW, 7)[0])
    assert row["payload"] and row["html_body"] == ""
    message = notifications.build_message(row, SETTINGS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in message.html_body and "<script>" not in message.html_body
    assert '"<script>alert(1)</script> & more"' in message.text_body


def test_a_notification_for_who_chose_the_digest_is_held_with_its_link(db: Store) -> None:
    """Chosen overall, the digest holds a learner's certificate mail (its subject and certificate link), queueing no mail."""
    notifications.choose_modes(db, "lena@example.com", {notifications.EVERY: "daily"})
    queued = notifications.enqueue(db, SETTINGS, "certificate_expired", ["lena@example.com"],
                                   {"certificate": {"name": "Basics", "holder_name": "Lena"}, "expires": "2026-12-01",
                                    "retake_url": "http://x/retake", "certificate_url": "http://x/cert/1", "reason": "you hold it."}, NOW)
    assert queued == [] and db.one("SELECT count(*) AS n FROM outbox")["n"] == 0
    [item] = db.all("SELECT kind, subject, link, outbox_id FROM digest_items")
    assert item == {"kind": "certificate_expired", "subject": "Your certificate Basics has expired", "link": "http://x/cert/1",
                    "outbox_id": None}


def test_a_kind_registered_by_another_domain_is_a_choice_with_a_digest_mode(db: Store) -> None:
    """``register_kind`` puts a new kind on the choices page, where it can be set to the daily digest."""
    from support.notifications import compose

    notifications.register_kind("content_changed", "Recertify: {name} changed", "a page you are certified on changed")
    try:
        assert notifications.choices(db, "lena@example.com")["content_changed"] is True
        notifications.choose_modes(db, "lena@example.com", {"content_changed": "daily"})
        assert notifications.delivery_modes(db, "lena@example.com")["content_changed"] == "daily"
    finally:
        del compose.SUBJECTS["content_changed"], compose.OPTIONAL["content_changed"]

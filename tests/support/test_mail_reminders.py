"""Certificate reminders: the holder is mailed 30 days and 7 days before expiry, and when it has expired, each once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from assessments_harness import ALL_TYPES, begin, learner, load_quiz, right_answers, start, submit
from mail_harness import SmtpServer
from support_harness import Live, stop_server

QUIZ = load_quiz(ALL_TYPES)


@pytest.fixture
def certified(tmp_path: Path, smtp: SmtpServer) -> Iterator[Live]:
    """A backend mailing to ``smtp``, checking reminders often, where Olga passed the all-types quiz (valid a year)."""
    server, thread, live = start(tmp_path, **smtp.settings, reminder_seconds=0.05)
    browser = learner(live, "olga@example.com", name="Olga Operator")
    # the retention check's mail (issue 18) opens 30 days after the certificate: turned off, so only these reminders come
    live.app.state.store.execute("INSERT INTO mail_opt_outs (email, kind) VALUES ('olga@example.com', 'retention_due')")
    attempt = begin(browser)
    submit(browser, attempt, right_answers(QUIZ, attempt))
    yield live
    stop_server(server, thread, live)


def test_reminders_come_at_30_and_7_days_and_at_expiry_once_each(certified: Live, smtp: SmtpServer) -> None:
    """Moving the clock to each stage brings one mail; staying there brings no repeat."""
    certified.clock.advance(days=365 - 30)
    [first] = smtp.sink.wait_for(1, address="olga@example.com")
    assert first.message["Subject"] == "Your certificate Line Operator Basics expires in 30 days"
    assert "Olga Operator" in first.text and "/support/assessments/all-types" in first.html
    certified.clock.advance(days=23)
    second = smtp.sink.wait_for(2)[1]
    assert second.message["Subject"] == "Your certificate Line Operator Basics expires in 7 days"
    certified.clock.advance(days=7)
    third = smtp.sink.wait_for(3)[2]
    assert third.message["Subject"] == "Your certificate Line Operator Basics has expired"
    certified.clock.advance(days=1)
    time.sleep(0.3)  # a few rounds of the reminder task
    assert len(smtp.sink.received) == 3


def test_a_certificate_first_seen_near_expiry_gets_only_the_latest_reminder(certified: Live, smtp: SmtpServer) -> None:
    """Five days before expiry the holder hears "7 days", not "30 days" too."""
    certified.clock.advance(days=360)
    [only] = smtp.sink.wait_for(1)
    assert only.message["Subject"] == "Your certificate Line Operator Basics expires in 5 days"

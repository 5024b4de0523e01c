"""Daily digests: an agent who chose a digest gets one mail a day, at the digest hour by the app's clock, listing the day's notifications."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_harness import SmtpServer
from support_harness import Browser, Live, start_server, stop_server

from support.notifications import service


@pytest.fixture
def digest_live(tmp_path: Path, smtp: SmtpServer) -> Iterator[Live]:
    """A backend mailing to ``smtp`` whose digest job runs often; the digest hour is 07:00 UTC."""
    server, thread, running = start_server(tmp_path, **smtp.settings, digest_seconds=0.05, digest_hour=7)
    yield running
    stop_server(server, thread, running)


def test_an_agent_who_chose_the_daily_digest_gets_one_mail_at_the_digest_hour(digest_live: Live, smtp: SmtpServer) -> None:
    """Urgent tickets of the day are held, then sent at 07:00 as one mail linking each ticket; a per-kind choice overrides."""
    digest_live.add_user("alex@example.com", "agent", "Alex Agent")
    agent = digest_live.client()
    agent.login("alex@example.com")
    page = agent.get("/support/account/mail").text
    assert 'name="mode_all"' in page and "07:00 UTC" in page
    saved = agent.form("/support/account/mail", {"kind": list(service.OPTIONAL), "mode_all": "daily", "mode_sla_at_risk": "immediate"})
    assert saved.status_code == 200 and service.delivery_modes(digest_live.app.state.store, "alex@example.com")["*"] == "daily"
    digest_live.clock.set(digest_live.clock().replace(hour=9, minute=0))
    first = digest_live.file(priority="P1", subject="Press 4 stopped")["ticket"]["id"]
    digest_live.clock.advance(hours=3)
    second = digest_live.file(priority="P2", subject="Label printer offline")["ticket"]["id"]
    smtp.sink.wait_for(2, address="olga@example.com")  # the requester's receipts come at once
    time.sleep(0.3)
    assert smtp.sink.to("alex@example.com") == []
    digest_live.clock.advance(hours=18, minutes=59)  # 06:59 the next day: not yet
    time.sleep(0.3)
    assert smtp.sink.to("alex@example.com") == []
    digest_live.clock.advance(minutes=1)
    [mail] = smtp.sink.wait_for(1, address="alex@example.com")
    assert mail.message["Subject"] == "Your daily digest: 2 notification(s)"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert f"[#{first}] New P1 ticket: Press 4 stopped" in mail.text and f"/support/tickets/{second}" in mail.text
    assert f'<a href="http://127.0.0.1:8000/support/tickets/{first}">' in mail.html
    assert "/support/account/mail" in mail.text
    digest_live.clock.advance(days=1)
    time.sleep(0.3)
    assert len(smtp.sink.to("alex@example.com")) == 1  # nothing new: no empty digest


def test_a_digest_is_queued_with_its_items_marked_in_one_transaction(digest_live: Live) -> None:
    """After the digest round, each held item names the outbox message that carries it; a second round queues nothing."""
    store = digest_live.app.state.store
    digest_live.add_user("alex@example.com", "agent", "Alex Agent")
    service.choose_modes(store, "alex@example.com", {service.EVERY: "daily"})
    digest_live.file(priority="P1")
    [item] = store.all("SELECT * FROM digest_items")
    assert item["outbox_id"] is None and item["recipient"] == "alex@example.com"
    later = digest_live.clock() + dt.timedelta(hours=23)  # 07:00 the next day
    assert service.send_digests(store, digest_live.app.state.settings, later) == 1
    [row] = store.all("SELECT * FROM digest_items")
    assert store.one("SELECT kind, recipient FROM outbox WHERE id = ?", [row["outbox_id"]]) == {"kind": "daily_digest",
                                                                                               "recipient": "alex@example.com"}
    assert service.send_digests(store, digest_live.app.state.settings, later) == 0

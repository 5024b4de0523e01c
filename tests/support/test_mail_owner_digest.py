"""The owners' weekly digest: each owner in owners.yml hears of reviews overdue and due soon and of their pages behind tickets."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_harness import SmtpServer
from support_harness import DATA, Live, start_server, stop_server

from support.tickets import owner_digest

REVIEWS = {  # page id -> (owner, review due, due soon from)
    "start-of-shift-checklist": ("Production Engineering", "2026-11-01", "2026-10-18"),
    "clear-conveyor-jam": ("Production Engineering", "2026-12-05", "2026-11-21"),
    "recipe-change": ("Production Engineering", "2027-06-01", "2027-05-18"),
    "reset-plc-fault": ("Platform team", "2027-06-01", "2027-05-18"),
    "hmi-login-problems": ("Platform team", "2027-06-01", "2027-05-18"),
    "alarm-flood": ("Unlisted team", "2026-01-01", "2025-12-18"),
}
OWNERS = "owners:\n  Production Engineering: [pe-leads@plant.example, anna@plant.example]\n  Platform team: [platform@plant.example]\n"


@pytest.fixture
def owned(tmp_path: Path, smtp: SmtpServer) -> Iterator[tuple[Live, Path]]:
    """A backend whose KB pages have owners and review dates; its owners file is written by the test."""
    kb = json.loads((DATA / "kb.json").read_text())
    for page in kb["pages"]:
        page["owner"], page["review_due"], page["review_soon_from"] = REVIEWS[page["id"]]
    (tmp_path / "kb.json").write_text(json.dumps(kb))
    owners = tmp_path / "owners.yml"
    server, thread, running = start_server(tmp_path, **smtp.settings, kb_path=tmp_path / "kb.json", owners_file=owners,
                                           digest_seconds=0.05, digest_hour=7, owner_digest_weekday=0)
    yield running, owners
    stop_server(server, thread, running)


def test_each_owner_gets_one_weekly_digest_of_reviews_and_busiest_pages(owned: tuple[Live, Path], smtp: SmtpServer) -> None:
    """Monday 07:00: overdue and due-soon reviews, pages by tickets that week, to the owner's addresses; once a week."""
    live, owners = owned
    for page in ("start-of-shift-checklist", "start-of-shift-checklist", "clear-conveyor-jam", "hmi-login-problems"):
        live.file(page_id=page)
    live.clock.set(dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC))  # the next Monday, the digest hour
    owners.write_text(OWNERS)
    [pe] = smtp.sink.wait_for(1, address="pe-leads@plant.example")
    [platform] = smtp.sink.wait_for(1, address="platform@plant.example")
    assert pe.message["Subject"] == "Weekly review digest: 1 overdue, 1 due soon (Production Engineering)"
    assert smtp.sink.to("anna@plant.example")[0].message["Subject"] == pe.message["Subject"]
    text = pe.text
    overdue, soon, busiest = (text.index(h) for h in ("Review overdue (1)", "Review due soon (1)", "behind the most tickets"))
    assert "Start-of-shift checklist" in text[overdue:soon] and "due 2026-11-01" in text[overdue:soon]
    assert "due 2026-12-05" in text[soon:busiest]
    assert text[busiest:].index(": 2 tickets") < text[busiest:].index("Clear a conveyor jam: 1 ticket")
    assert "Recipe" not in text  # not due and behind no ticket
    assert 'href="http://127.0.0.1:8000/articles/operator/start-of-shift-checklist/"' in pe.html
    assert platform.message["Subject"] == "Weekly review digest: 0 overdue, 0 due soon (Platform team)"
    assert ": 1 ticket" in platform.text
    live.clock.advance(days=1)
    time.sleep(0.3)
    assert len(smtp.sink.to("pe-leads@plant.example")) == 1  # once a week
    assert not [r for r in smtp.sink.received if "Unlisted" in r.message["Subject"]]


def test_the_digest_week_is_the_latest_weekday_at_the_hour() -> None:
    """Before Monday 07:00 the week due is the previous one; from then on, this one."""
    monday = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
    assert owner_digest.latest_week(monday, 0, 7) == monday
    assert owner_digest.latest_week(monday - dt.timedelta(minutes=1), 0, 7) == monday - dt.timedelta(days=7)
    assert owner_digest.latest_week(monday + dt.timedelta(days=3), 0, 7) == monday

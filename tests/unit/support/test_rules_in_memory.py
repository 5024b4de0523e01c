"""The backend's rules tested on an in-memory database, in milliseconds: no server, no files."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support.accounts import service as accounts
from support.accounts import throttle
from support.db.store import Store
from support.migrations import open_portal_store
from support.tickets import storage

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(database: Path | str) -> Iterator[Store]:
    """A fresh portal database (SQLite, or PostgreSQL with PORTAL_TEST_DATABASE=postgresql), every migration applied."""
    store = open_portal_store(database)
    yield store
    store.close()


FIELDS = {"subject": "Conveyor jammed", "description": "It stopped with E-204.", "requester_email": "olga@example.com",
          "requester_name": "", "category": "Problem", "priority": "P3", "page_id": None, "page_title": None,
          "page_url": None, "form_id": None, "requester_id": None, "identified_by": "unproven"}


def ticket(db: Store, email: str = "olga@example.com", requester_id: int | None = None) -> dict:
    """A ticket as the service files it."""
    fields = FIELDS | {"requester_email": email, "requester_id": requester_id, "identified_by": "account" if requester_id else "unproven"}
    return storage.create_ticket(db, fields, None, email, NOW)[0]


def test_a_typed_address_joins_no_account(db: Store) -> None:
    """Only tickets filed under the account (or claimed) are the account's; the same address typed elsewhere is not."""
    olga_id = accounts.add_user(db, "olga@example.com", "requester", "long enough pw", "Olga", NOW)
    olga = accounts.get_user(db, olga_id)
    own, typed = ticket(db, requester_id=olga_id), ticket(db, email="OLGA@example.com")
    assert [t["id"] for t in storage.requester_tickets(db, olga)] == [own["id"]]
    assert storage.owns(own, olga) and not storage.owns(typed, olga)
    storage.claim_ticket(db, typed["id"], olga_id, "Olga", NOW)
    assert {t["id"] for t in storage.requester_tickets(db, olga)} == {own["id"], typed["id"]}


def test_a_deflection_counts_only_where_the_form_showed_the_article(db: Store) -> None:
    """No impression, no deflection; the second click on the same article counts nothing."""
    assert storage.record_deflection(db, "clear-conveyor-jam", "form-1", None, NOW) is False
    storage.record_impressions(db, "form-1", "conveyor jam", ["clear-conveyor-jam"], NOW)
    assert storage.record_deflection(db, "clear-conveyor-jam", "form-1", None, NOW) is True
    assert storage.record_deflection(db, "clear-conveyor-jam", "form-1", None, NOW) is False


def test_lockouts_double_per_failure_past_the_free_ones(db: Store) -> None:
    """5 free failures for an account from one client, then 1, 2, 4 ... seconds, never past MAX_LOCK."""
    waits = []
    for _ in range(throttle.FREE["pair"] + 4):
        throttle.record_failure(db, "olga@example.com", "10.0.0.1", NOW)
        waits.append(throttle.locked_for(db, "olga@example.com", "10.0.0.1", True, NOW))
    assert waits[: throttle.FREE["pair"]] == [0] * throttle.FREE["pair"]
    assert waits[throttle.FREE["pair"]:] == [1, 2, 4, 8]
    for _ in range(20):
        throttle.record_failure(db, "olga@example.com", "10.0.0.1", NOW)
    assert throttle.locked_for(db, "olga@example.com", "10.0.0.1", True, NOW) == throttle.MAX_LOCK
    assert throttle.locked_for(db, "olga@example.com", "10.0.0.1", True, NOW + dt.timedelta(seconds=throttle.MAX_LOCK)) == 0


def test_sessions_end_on_sign_out_password_change_and_expiry(db: Store) -> None:
    """A session id signs in until it is ended, the password changes, or it expires by the server's clock."""
    user_id = accounts.add_user(db, "ada@example.com", "admin", "long enough pw", "Ada", NOW)
    outcome = accounts.sign_in(db, "ada@example.com", "long enough pw", "10.0.0.1", False, NOW, 3600)
    assert accounts.session_user(db, outcome.session_id, NOW)["id"] == user_id
    assert accounts.session_user(db, outcome.session_id, NOW + dt.timedelta(hours=1)) is None
    other = accounts.sign_in(db, "ada@example.com", "long enough pw", "10.0.0.1", False, NOW, 3600).session_id
    accounts.set_password(db, user_id, "another long pw", keep_session=outcome.session_id)
    assert accounts.session_user(db, other, NOW) is None and accounts.session_user(db, outcome.session_id, NOW) is not None
    accounts.end_session(db, outcome.session_id)
    assert accounts.session_user(db, outcome.session_id, NOW) is None


def test_the_event_loop_never_opens_a_write_transaction(database: Path | str) -> None:
    """On the loop a write is handed to the store's writer thread; ``tx()`` there is refused outright (a file: two threads)."""
    db = open_portal_store(database)

    async def on_the_loop() -> int:
        db.serve_from_this_thread()  # as the app's start-up does
        with pytest.raises(RuntimeError, match="on the event loop"):
            with db.tx():
                pass
        return await db.write(lambda: ticket(db)["id"])

    with ThreadPoolExecutor(1) as thread:  # a loop of its own (the browser tests' Playwright may run one in this thread)
        assert thread.submit(lambda: asyncio.run(on_the_loop())).result() == 1
    db.close()


def _commit_counter(db: Store) -> Callable[[], int]:
    """How many transactions have written since, as SQLite's change counter shows it to a connection of its own."""
    other = sqlite3.connect(db.path)
    start = other.execute("PRAGMA data_version").fetchone()[0]
    return lambda: other.execute("PRAGMA data_version").fetchone()[0] - start


def test_a_failing_nested_transaction_is_undone_alone_at_any_depth(db: Store) -> None:
    """``tx()`` inside ``tx()`` is a savepoint: what failed inside is undone, what the outer levels wrote commits."""
    with db.tx():
        ticket(db, "outer@example.com")
        with db.tx():
            ticket(db, "middle@example.com")
            with pytest.raises(ValueError), db.tx():
                ticket(db, "inner@example.com")
                raise ValueError("inner")
            ticket(db, "middle-after@example.com")
        with pytest.raises(ValueError), db.tx():
            ticket(db, "second@example.com")
            with db.tx():
                ticket(db, "second-inner@example.com")
            raise ValueError("second")
    emails = [r["requester_email"] for r in db.all("SELECT requester_email FROM tickets ORDER BY id")]
    assert emails == ["outer@example.com", "middle@example.com", "middle-after@example.com"]


def test_a_flat_transaction_takes_what_is_nested_in_it_as_one_and_undoes_it_as_one(db: Store) -> None:
    """``tx(flat=True)``: the levels inside join it (no savepoints), so an error anywhere inside undoes the whole block;
    nested in another transaction it is still a savepoint of its own, and the levels after it make theirs again."""
    with db.tx():
        ticket(db, "before@example.com")
        with pytest.raises(ValueError), db.tx(flat=True):
            ticket(db, "flat@example.com")  # create_ticket opens a transaction of its own inside
            raise ValueError("after the insert")
        with pytest.raises(ValueError), db.tx():
            ticket(db, "savepoint-again@example.com")
            raise ValueError("undone alone")
        ticket(db, "after@example.com")
    with pytest.raises(ValueError), db.tx(flat=True):
        ticket(db, "top-level@example.com")
        raise ValueError("the whole transaction")
    emails = [r["requester_email"] for r in db.all("SELECT requester_email FROM tickets ORDER BY id")]
    assert emails == ["before@example.com", "after@example.com"]


@pytest.mark.sqlite_only  # PostgreSQL's store runs each write alone: docs/performance.md
def test_writes_handed_over_in_one_turn_share_one_commit_and_a_failing_one_fails_alone(db: Store) -> None:
    """Group commit: the writes queued in one turn of the loop commit together; one that raises is undone alone, in its caller."""
    def refused() -> None:
        ticket(db, "refused@example.com")
        raise ValueError("refused")

    async def on_the_loop() -> list:
        db.serve_from_this_thread()
        return await asyncio.gather(db.write(lambda: ticket(db, "a@example.com")["id"]), db.write(refused),
                                    db.write(lambda: ticket(db, "b@example.com")["id"]), return_exceptions=True)

    commits = _commit_counter(db)
    with ThreadPoolExecutor(1) as thread:
        first, failed, second = thread.submit(lambda: asyncio.run(on_the_loop())).result()
    assert isinstance(failed, ValueError) and str(failed) == "refused"
    assert [r["requester_email"] for r in db.all("SELECT requester_email FROM tickets ORDER BY id")] == ["a@example.com", "b@example.com"]
    assert {first, second} == {r["id"] for r in db.all("SELECT id FROM tickets")}
    assert commits() == 1


def test_a_write_waiting_for_another_writer_does_not_hold_up_the_loop(database: Path | str) -> None:
    """While a thread holds the write lock, a write from the loop waits in the writer thread and the loop keeps serving."""
    db = open_portal_store(database)
    held, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with db.tx():
            held.set()
            release.wait(5)

    async def on_the_loop() -> list[str]:
        db.serve_from_this_thread()
        events: list[str] = []

        async def other_request() -> None:
            await asyncio.sleep(0.05)
            events.append("another request served")
            release.set()

        async def filing() -> None:
            await db.write(lambda: ticket(db))
            events.append("ticket filed")

        await asyncio.gather(filing(), other_request())
        return events

    writer = threading.Thread(target=slow_writer)
    writer.start()
    held.wait(5)
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(lambda: asyncio.run(on_the_loop())).result() == ["another request served", "ticket filed"]
    writer.join()
    db.close()


def test_a_routed_ticket_is_as_stored_and_each_change_is_in_the_history(db: Store) -> None:
    """A ticket filed as routed (tier, group, assignee and its name) is what a fresh read gives; the rule and each change
    are recorded after the filing."""
    mo = accounts.add_user(db, "mo@example.com", "agent", "long enough pw", "Mo", NOW)
    routed, _ = storage.create_ticket(db, FIELDS, None, "olga@example.com", NOW, storage.Routed("Jams to maintenance", "maintenance", 2, mo, "Mo"))
    assert routed == storage.get_ticket(db, routed["id"])
    assert (routed["tier"], routed["group_id"], routed["assignee_id"], routed["assignee_name"]) == (2, "maintenance", mo, "Mo")
    history = db.all("SELECT actor, field, old, new FROM history WHERE ticket_id = ? ORDER BY id", [routed["id"]])
    assert [(h["actor"], h["field"], h["old"], h["new"]) for h in history] == [
        ("olga@example.com", "status", None, "new"), ("Routing", "routing rule", None, "Jams to maintenance"),
        ("Routing", "group", None, "maintenance"), ("Routing", "tier", "1", "2"), ("Routing", "assignee_id", None, "Mo")]
    unchanged, _ = storage.create_ticket(db, FIELDS, None, "olga@example.com", NOW, storage.Routed("Tier one stays", None, 1))
    assert unchanged == storage.get_ticket(db, unchanged["id"]) and (unchanged["tier"], unchanged["assignee_name"]) == (1, None)
    assert [h["field"] for h in db.all("SELECT field FROM history WHERE ticket_id = ? ORDER BY id", [unchanged["id"]])] == [
        "status", "routing rule"]

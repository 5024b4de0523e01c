"""The queue's text search: a filed ticket is found at once, before and after it moves into the trigram index."""

from __future__ import annotations

import datetime as dt

import pytest

from support_harness import vm_steps

from support.db import dialect
from support.tickets import queue
from support.tickets import storage
from support.migrations import open_portal_store

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def db(database):
    store = open_portal_store(database)
    yield store
    store.close()


def file(db, subject: str, email: str = "op@example.com") -> int:
    fields = {"subject": subject, "description": "d", "requester_email": email, "requester_name": "", "category": "Question", "priority": "P3"}
    return storage.create_ticket(db, fields, None, "anonymous", NOW)[0]["id"]


def found(db, q: str) -> list[int]:
    rows, total = queue.page_of_tickets(db, queue.QueueFilter(status=None, q=q), 0, NOW, 1, 50)
    assert total == len(rows)
    return sorted(r["id"] for r in rows)


def pending(db) -> list[int]:
    return [r["id"] for r in db.all("SELECT id FROM tickets_search_pending ORDER BY id")]


def fts_is_intact(db) -> bool:
    db.execute("INSERT INTO tickets_search (tickets_search, rank) VALUES ('integrity-check', 1)")  # raises when not
    return True


@pytest.mark.sqlite_only
def test_a_filed_ticket_is_found_before_and_after_indexing(db) -> None:
    """Filing only queues the ticket for indexing; the search reads the queue too, so nothing is missed in between."""
    first, second = file(db, "Label printer at S04 prints blank labels"), file(db, "Torque sensor drifts", "ana.lopez@example.com")
    assert pending(db) == [first, second]
    assert found(db, "printer at S0") == [first] and found(db, "lopez@") == [second]

    assert queue.index_pending(db, batch=1) == 1  # one batch at a time, oldest first
    assert pending(db) == [second]
    assert found(db, "printer at S0") == [first] and found(db, "lopez@") == [second]

    assert queue.index_all_pending(db) == 1 and pending(db) == []
    assert found(db, "printer at S0") == [first] and found(db, "lopez@") == [second]
    assert found(db, "no such words") == [] and fts_is_intact(db)


def test_like_wildcards_in_a_search_are_plain_characters(db) -> None:
    """``%`` and ``_`` typed into the search match themselves in pending tickets, as they do in the index."""
    percent, plain = file(db, "Scrap rate at 5% on line 2"), file(db, "Scrap rate at 5 on line 2")
    assert found(db, "5% on") == [percent]
    queue.index_all_pending(db)
    assert found(db, "5% on") == [percent] and found(db, "rate at 5") == [percent, plain]


@pytest.mark.sqlite_only
def test_changed_and_deleted_tickets_keep_the_index_consistent(db) -> None:
    """Editing or deleting a ticket updates the index when it is in it, and only the queue when it is still pending."""
    indexed, waiting = file(db, "Conveyor belt slips"), file(db, "Door interlock open")
    queue.index_pending(db, batch=1)
    with db.tx():
        db.execute("UPDATE tickets SET subject = 'Conveyor belt torn' WHERE id = ?", [indexed])
        db.execute("UPDATE tickets SET subject = 'Door interlock stuck' WHERE id = ?", [waiting])
    assert found(db, "belt torn") == [indexed] and found(db, "belt slips") == []
    assert found(db, "interlock stuck") == [waiting] and found(db, "interlock open") == []
    with db.tx():
        db.execute("DELETE FROM history WHERE ticket_id IN (?, ?)", [indexed, waiting])
        db.execute("DELETE FROM tickets WHERE id IN (?, ?)", [indexed, waiting])
    assert pending(db) == [] and found(db, "belt torn") == [] and found(db, "interlock") == []
    assert fts_is_intact(db)
    reused = file(db, "Conveyor belt torn again")  # an id freed by the delete may come back: it is indexed afresh
    queue.index_all_pending(db)
    assert found(db, "belt torn") == [reused] and fts_is_intact(db)


@pytest.mark.sqlite_only
def test_the_search_reads_the_pending_tickets_not_every_ticket(db) -> None:
    """The pending branch walks the (short) pending queue and looks tickets up by id: 30 times the tickets, far from 30 times the work."""
    where, params = queue.where_clause(queue.QueueFilter(status=None, q="pending"), 0, NOW, dt.timedelta(hours=1))
    sql = f"SELECT count(*) FROM tickets t WHERE {where}"
    work = []
    for total in (30, 900):
        while db.one("SELECT count(*) AS n FROM tickets")["n"] < total:
            file(db, "Ticket filed before")
        queue.index_all_pending(db)
        file(db, "Still pending")
        work.append(vm_steps(db, sql, params))
        queue.index_all_pending(db)
    assert work[1] < 6 * work[0], work  # a scan of the tickets would take 30 times the steps


@pytest.mark.postgresql_only
def test_on_postgresql_the_search_is_answered_by_the_trigram_indexes(db) -> None:
    """Any case, at once after filing (no queue), and planned as a scan of the ``pg_trgm`` GIN indexes, not of the table."""
    first = file(db, "Label printer at S04 prints blank labels")
    assert found(db, "PRINTER AT s0") == [first] and found(db, "OP@EXAMPLE") == [first]
    where, params = queue.where_clause(queue.QueueFilter(status=None, q="printer"), 0, NOW, dt.timedelta(hours=1), db.dialect)
    explain = f"EXPLAIN SELECT count(*) FROM tickets t WHERE {where}"
    unguided = "\n".join(r["QUERY PLAN"] for r in db.all(explain, params))
    assert "Seq Scan" in unguided  # a tiny table: the planner would read it whole, as it did 102,600 tickets for "S07"
    with dialect.searching_by_index(db):  # as page_of_tickets runs a search
        plan = "\n".join(r["QUERY PLAN"] for r in db.all(explain, params))
    assert "tickets_subject_trgm" in plan and "tickets_requester_trgm" in plan, plan


def indexes_of_tickets(db) -> set[str]:
    if db.dialect == "postgresql":
        return {r["indexname"] for r in db.all("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets'")}
    return {r["name"] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'")}


def test_the_queue_order_index_is_built_on_postgresql_alone(db) -> None:
    """Migration 32 is recorded on both engines; only PostgreSQL builds its index (SQLite's planner chose it for the wrong filters)."""
    assert db.one("SELECT version FROM schema_migrations WHERE version = 32") is not None
    assert ("tickets_due_order" in indexes_of_tickets(db)) is (db.dialect == "postgresql")


@pytest.mark.postgresql_only
def test_on_postgresql_a_search_matching_many_tickets_reads_one_page_in_queue_order(db) -> None:
    """With thousands of matches the page is read along the queue's order and stops at its size, not sorted from every match."""
    with db.tx(flat=True):
        for n in range(3000):
            file(db, f"Problem {n} with station S{n % 3:02d}", f"user{n}@example.com")
    db.execute("ANALYZE tickets")
    rows, total = queue.page_of_tickets(db, queue.QueueFilter(status=None, q="S01"), 0, NOW, 1, 50)
    assert total == 1000 and [r["subject"] for r in rows[:2]] == ["Problem 1 with station S01", "Problem 4 with station S01"]
    where, params = queue.where_clause(queue.QueueFilter(status=None, q="S01"), 0, NOW, dt.timedelta(hours=1), db.dialect)
    plan = "\n".join(r["QUERY PLAN"] for r in db.all(f"EXPLAIN SELECT t.id FROM tickets t WHERE {where} "
                                                     f"ORDER BY {queue.SORTS['due']} LIMIT 50", params))
    assert "tickets_due_order" in plan and "Sort" not in plan, plan


@pytest.mark.postgresql_only
def test_a_postgresql_database_from_before_migration_32_gets_the_index_at_the_next_start(database) -> None:
    """A portal upgraded in place: the pending PostgreSQL-only migration runs at start-up like any other."""
    store = open_portal_store(database)
    store.execute("DROP INDEX tickets_due_order")
    store.execute("DELETE FROM schema_migrations WHERE version = 32")
    store.close()
    again = open_portal_store(database)
    try:
        assert "tickets_due_order" in indexes_of_tickets(again)
    finally:
        again.close()

"""Training rules on their own: who holds the trainer's rights, the percentile, site paths to pages, due dates."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from support.accounts.users import has_role
from support.assessments.assignments import parse_due
from support.assessments.reading import page_for_path
from support.assessments.training_report import percentile
from support.migrations import open_portal_store

PAGES = {"a": {"url": "articles/ops/a/", "type": "article"}, "rb": {"url": "runbooks/rb/", "type": "runbook"},
         "x": {"url": "reference/x/", "type": "reference"}}


@pytest.mark.parametrize(("role", "agent", "trainer", "admin"), [
    ("requester", False, False, False), ("trainer", False, True, False), ("agent", True, False, False), ("admin", True, True, True)])
def test_a_trainer_is_no_agent_and_an_admin_is_both(role: str, agent: bool, trainer: bool, admin: bool) -> None:
    """The trainer's rights are the trainer's and the admin's only; an agent's never come with them."""
    user = {"role": role, "disabled": 0}
    assert (has_role(user, "agent"), has_role(user, "trainer"), has_role(user, "admin"), has_role(user, "requester")) == \
        (agent, trainer, admin, True)


def test_percentile_is_the_nearest_rank() -> None:
    """Median and 90th percentile by nearest rank; none without values."""
    assert percentile([5, 1, 3], 0.5) == 3 and percentile(list(range(1, 11)), 0.9) == 9 and percentile([], 0.5) is None


@pytest.mark.parametrize(("path", "page"), [("/articles/ops/a/", "a"), ("/docs/articles/ops/a/index.html", "a"),
                                            ("/runbooks/rb/#step-2", "rb"), ("/reference/x/", None), ("/articles/ops/", None)])
def test_a_site_path_names_its_article_or_runbook(path: str, page: str | None) -> None:
    """The site may live under a prefix; pages that are no article or runbook record nothing."""
    assert page_for_path(PAGES, path) == page


def test_a_due_date_is_a_day_ending_at_midnight_utc() -> None:
    """``2026-12-24`` is due at the end of that day; anything else is refused."""
    assert parse_due("2026-12-24") == dt.datetime(2026, 12, 24, 23, 59, 59, tzinfo=dt.UTC)
    assert parse_due("24.12.2026") is None and parse_due("") is None


def test_the_trainer_role_migration_keeps_the_users_and_refuses_unknown_roles(tmp_path: Path) -> None:
    """After migration 310 a trainer can be stored, an unknown role still cannot, and the file is intact."""
    store = open_portal_store(tmp_path / "portal.db")
    store.execute("INSERT INTO users (email, role, password_hash, created_at) VALUES ('t@example.com', 'trainer', 'x', '')")
    with pytest.raises(sqlite3.IntegrityError):
        store.execute("INSERT INTO users (email, role, password_hash, created_at) VALUES ('u@example.com', 'boss', 'x', '')")
    assert store.one("PRAGMA integrity_check")["integrity_check"] == "ok"
    assert store.one("SELECT role FROM users WHERE email = 'T@EXAMPLE.COM'")["role"] == "trainer"  # COLLATE NOCASE kept
    store.close()

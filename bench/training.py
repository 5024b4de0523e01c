"""Training report (issue 18) in-process: the summary per cohort and role over 2,000 learners in 20 cohorts."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from bench.report import Figure

LEARNERS, COHORTS, ROLES = 2000, 20, ("production-operator", "maintenance-technician", "quality-controller")


def _seed(store, now: dt.datetime) -> None:  # noqa: ANN001 - a support.db.store.Store
    from support.clock import iso

    with store.tx():
        for c in range(COHORTS):
            store.execute("INSERT INTO cohorts (name, created_at) VALUES (?, ?)", [f"Cohort {c}", iso(now)])
        for u in range(LEARNERS):
            uid = store.execute("INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, '', 'requester', 'x', ?)",
                                [f"l{u}@example.com", iso(now)]).lastrowid
            store.execute("INSERT INTO cohort_members VALUES (?, ?, ?)", [u % COHORTS + 1, uid, iso(now)])
            if u % 3:  # two in three certified, some days after the assignment
                store.execute("INSERT INTO certificates (code, user_id, holder_name, attempt_id, quiz_id, quiz_title, name, role, score, "
                              "issued_at, expires_at) VALUES (?, ?, '', ?, 'q', 'Q', 'C', ?, 90, ?, ?)",
                              [f"c{u}", uid, u, ROLES[u % COHORTS % len(ROLES)], iso(now + dt.timedelta(days=u % 13)),
                               iso(now + dt.timedelta(days=365))])
        for c in range(COHORTS):
            store.execute("INSERT INTO assignments (role, cohort_id, due_at, assigned_at) VALUES (?, ?, ?, ?)",
                          [ROLES[c % len(ROLES)], c + 1, iso(now + dt.timedelta(days=14)), iso(now)])


def report_summary(repeats: int = 5) -> Figure:
    """Median time of the training report's summary table over the seeded learners (target: under 1 s)."""
    from support.assessments import training_report
    from support.migrations import open_portal_store

    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as folder:
        store = open_portal_store(Path(folder) / "portal.db")
        store.execute("PRAGMA foreign_keys = OFF")  # certificates without attempts: the report reads neither
        _seed(store, now)
        scope = training_report.Scope(now.date(), (now + dt.timedelta(days=30)).date())
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            table = training_report.summary(store, scope, now + dt.timedelta(days=20), str)
            times.append(time.perf_counter() - started)
        store.close()
    times.sort()
    return Figure("backend", f"training report summary, {LEARNERS:,} learners in {COHORTS} cohorts (in-process)",
                  round(1000 * times[len(times) // 2], 1), "ms", "<=", 1000, detail={"rows": len(table.rows)})

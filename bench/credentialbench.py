"""Open Badges 3.0 credentials in-process: sign a certificate's VC-JWT, and verify one with its status list (issue 18)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from bench.report import Figure

CERTIFICATES, REVOKED, ROUNDS = 10_000, 500, 200


def sign_and_verify() -> Figure:
    """A verification of a pasted credential (signature, status list of 10,000 certificates with 500 revoked, record)."""
    from support.assessments import credentials
    from support.migrations import open_portal_store

    with tempfile.TemporaryDirectory() as tmp:
        db = open_portal_store(Path(tmp) / "portal.db")
        _seed(db)
        keys, base, now = credentials.Keys(Path(tmp) / "credentials"), "https://support.example.com", dt.datetime.now(dt.UTC)
        certs = db.all("SELECT * FROM certificates WHERE revoked_at IS NULL LIMIT ?", [ROUNDS])
        signing, verifying = [], []
        for cert in certs:
            started = time.perf_counter()
            token = credentials.sign(keys, cert, "learner@example.com", "Production operator", base, "Support portal")
            signing.append(time.perf_counter() - started)
            started = time.perf_counter()
            credentials.verify(db, keys, base, token, now)
            verifying.append(time.perf_counter() - started)
        db.close()
    signing.sort(), verifying.sort()
    return Figure("backend", "Open Badges credential verified in-process (signature, status list, record)",
                  round(1000 * verifying[len(verifying) // 2], 2), "ms p50", "<=", 50,
                  detail={"verify_p99_ms": round(1000 * verifying[int(len(verifying) * 0.99)], 2),
                          "sign_p50_ms": round(1000 * signing[len(signing) // 2], 3), "certificates": CERTIFICATES, "revoked": REVOKED})


def _seed(db) -> None:  # noqa: ANN001 - a Store
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    db.execute("INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (1, 'learner@example.com', 'L', "
               "'requester', 'x', ?)", [now.isoformat()])
    db.execute("INSERT INTO quiz_versions (hash, quiz_id, body, created_at) VALUES ('h', 'q', '{}', ?)", [now.isoformat()])
    with db.tx():
        for i in range(1, CERTIFICATES + 1):
            db.execute("INSERT INTO attempts (id, user_id, quiz_id, quiz_hash, role, number, seed, paper, started_at) "
                       "VALUES (?, 1, 'q', 'h', 'r', ?, 's', '{}', ?)", [i, i, now.isoformat()])
            db.execute("INSERT INTO certificates (id, code, user_id, holder_name, attempt_id, quiz_id, quiz_title, name, role, score, "
                       "issued_at, expires_at, revoked_at) VALUES (?, ?, 1, 'L', ?, 'q', 'Q', 'Line basics', 'r', 100, ?, ?, ?)",
                       [i, f"C{i:011d}", i, (now - dt.timedelta(days=1)).isoformat(), (now + dt.timedelta(days=364)).isoformat(),
                        now.isoformat() if i % (CERTIFICATES // REVOKED) == 0 else None])

"""Profiles (pyinstrument) of the backend's missed targets, in-process, over a kept scratch folder.

``python -m bench --keep`` leaves its scratch folder; ``python -m bench.profiles SCRATCH`` then
writes ``bench/results/profiles/*.txt`` for: the reports computation, the queue (SLA sweep and
page query), ticket filing, KB suggestions, quiz submission and the generator stage on the
1,000-page portal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from pyinstrument import Profiler

OUT = Path(__file__).parent / "results" / "profiles"


def profile(name: str, work: Callable[[], object]) -> None:
    """Run ``work`` under pyinstrument and write its text profile.

    The collector is set up as the server sets it (``support.app.tune_collector``):
    at Python's defaults, over the 100,000-ticket data, collections landed on whatever allocated and
    made a 21 us paper parse look like a third of a quiz submission.
    """
    from support.app import tune_collector

    tune_collector()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    work()
    profiler.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.txt").write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    print(f"wrote {OUT / name}.txt ({profiler.last_session.duration:.2f} s)")


def backend(scratch: Path) -> None:
    """Reports, queue, filing and suggestions over the 100,000-ticket database."""
    import support.app  # noqa: F401 - every migration
    from bench.kbcorpus import kb_pages, queries
    from support.tickets import service
    from support.tickets import sla
    from support.tickets import storage
    from support.clock import system_clock
    from support.migrations import open_portal_store
    from support.web.deps import Context
    from support.tickets.queue import QueueFilter, page_of_tickets
    from support.tickets.reports import ticket_report
    from support.tickets.schemas import TicketCreate
    from support.kb.search import KnowledgeBase
    from support.settings import Settings

    data, kb_file = scratch / "data-100k", scratch / "kb-site" / "_portal" / "kb.json"
    settings = Settings(data_dir=data, site_dir=scratch / "kb-site", sla_sweep_seconds=0)
    store, kb = open_portal_store(settings.database_path), KnowledgeBase(kb_file, data / "kb-index", settings.source_check_seconds)
    kb.refresh()
    ctx = Context(settings, store, kb, system_clock)
    agent = store.one("SELECT * FROM users WHERE role = 'agent' ORDER BY id")
    profile("reports", lambda: ticket_report(store, settings, ctx.now(), {i: p["title"] for i, p in kb.pages.items()}))

    def queue() -> None:
        for _ in range(20):
            sla.sweep(store, settings, ctx.now())
            page_of_tickets(store, QueueFilter(status="active", priority="P2"), agent["id"], ctx.now(), 1, settings.page_size)

    profile("queue", queue)

    def filing() -> None:
        body = TicketCreate(subject="Label printer prints blank labels", description="Since the shift started it prints blank labels.",
                            requester_email="op@example.com", page_id=next(iter(kb.pages)))
        for _ in range(300):
            service.filed_detail(ctx, service.file_ticket(ctx, body, None)[0])

    profile("ticket-filing", filing)
    asked = queries(kb_pages(10_000), 100)
    profile("suggestions", lambda: [kb.search(q.text, 5) for q in asked])
    if (scratch / "portal-100").is_dir():
        quiz_submit(scratch, ctx)


def quiz_submit(scratch: Path, ctx: Any) -> None:
    """Submitting and grading 300 attempts, with the result the learner gets, as ``POST /api/attempts/{id}/submit`` does."""
    import json

    from bench import quizbench
    from support.assessments import service as assessments
    from support.assessments.catalog import Catalog
    from support.settings import Settings

    first = 100_000 + ctx.db.one("SELECT max(id) AS n FROM users")["n"]  # new learners on every run over the same scratch
    submits = quizbench.prepare(ctx.settings.data_dir, scratch / "portal-100", 300, first=first)
    catalog = Catalog.from_settings(Settings(data_dir=ctx.settings.data_dir, portal_dir=scratch / "portal-100"))

    def run() -> None:
        for request in submits:
            attempt_id = int(request["path"].split("/")[3])
            attempt = ctx.db.one("SELECT * FROM attempts WHERE id = ?", [attempt_id])
            done = assessments.submit(ctx, attempt, json.loads(request["body"])["answers"])
            assessments.result_view(ctx, catalog, done, "http://127.0.0.1")

    profile("quiz-submit", run)


def generator(scratch: Path) -> None:
    """The generator stage on the 1,000-page portal (cold parse cache)."""
    from generator.build import check
    from generator.yaml_positions import load_yaml

    check(scratch / "portal-1000")
    load_yaml.cache_clear()
    profile("generator-stage-1000", lambda: check(scratch / "portal-1000"))


def main() -> None:
    """``python -m bench.profiles SCRATCH``."""
    scratch = Path(sys.argv[1])
    if (scratch / "portal-1000").is_dir():
        generator(scratch)
    if (scratch / "data-100k").is_dir():
        backend(scratch)


if __name__ == "__main__":
    main()

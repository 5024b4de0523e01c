"""``make bench``: build and backend benchmarks on synthetic data, each next to its baseline.

Prints a table (figure, target, measured, baseline, ratio, pass/fail) and writes
``bench/results/latest.json`` with every figure, its details and the machine description.
``python -m bench --only build``, ``--only backend`` or ``--only search`` (the site search on the
question set, about 15 s) runs one part; ``--keep`` keeps the
scratch folder (synthetic portals, sites, databases and server logs) for a look afterwards.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).parent


def install_requirements() -> None:
    """Install the bench-only tools (pyinstrument) into the running venv."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(HERE / "requirements.txt")],
                   check=False)


def guarded(figures: list, notes: list[str], name: str, step: Callable[[], Any]) -> Any:
    """Run one measurement; a failure becomes a note and an unmeasured figure instead of ending the run."""
    from bench.report import Figure

    try:
        out = step()
    except Exception as exc:  # noqa: BLE001 - report and go on with the other figures
        message = f"{name}: {type(exc).__name__}: {exc}"[:1500]
        notes.append(message)
        figures.append(Figure("error", name, None, "", "<=", 0, note=message[:300]))
        return None
    if isinstance(out, list):
        figures += [f for f in out if hasattr(f, "passed")]
    elif hasattr(out, "passed"):
        figures.append(out)
    return out


KB_ARTICLES = 10_000


@functools.lru_cache(maxsize=1)
def kb_export(work: Path) -> tuple[list[dict], Path]:
    """The 10,000-article KB and its ``kb.json`` in the backend's site folder (made once per scratch folder)."""
    from bench import kbcorpus

    pages = kbcorpus.kb_pages(KB_ARTICLES)
    return pages, kbcorpus.write_export(work / "kb-site", pages)


def start_indexing(work: Path) -> subprocess.Popen[str]:
    """Index the backend's KB in a second process (see ``bench.kbindex``)."""
    from bench import runner

    _, kb_file = kb_export(work)
    return subprocess.Popen([sys.executable, "-m", "bench.kbindex", str(kb_file), str(work / "data")], env=runner.env(),
                            cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def build_suite(work: Path, notes: list[str], with_backend: bool) -> list:
    """Synthetic portals of 100, 1,000 and 5,000 pages; the build figures.

    The timed figures come first, on a quiet machine; the 5,000-page portal is written after them
    (writing it just before made the next builds slower). With the backend to follow, its KB is
    indexed on the second core during the 5,000-page build, whose figures are memory and size.
    """
    from bench import authoring, builds, reload, synth

    portals = {n: synth.make_portal(work / f"portal-{n}", n) for n in (100, 1000)}
    figures: list = []
    guarded(figures, notes, "generator stage", lambda: builds.generator_stage(portals[1000]))
    guarded(figures, notes, "portal check", lambda: builds.portal_check(portals[1000]))
    compared = guarded(figures, notes, "portal build vs bare", lambda: builds.build_vs_bare(portals[1000], work / "build-1000"))
    if compared:
        figures += compared[0]
    guarded(figures, notes, "edit to reload", lambda: reload.measure(portals[1000], work / "portal-1000-serve"))
    indexing = start_indexing(work) if with_backend else None
    portals[5000] = synth.make_portal(work / "portal-5000", 5000)
    notes.append("synthetic portals: " + ", ".join(f"{n} pages = {synth.sizes(n)}" for n in portals))
    if compared:
        guarded(figures, notes, "5,000-page build", lambda: builds.large_build(portals[5000], work, compared[1]))
    guarded(figures, notes, "authoring and scale", lambda: authoring.figures(portals[1000], work, compared[1] if compared else None))
    if indexing is not None:
        output = indexing.communicate()[0].strip()
        notes.append(f"KB of {KB_ARTICLES:,} articles indexed in {output.splitlines()[-1] if output else '?'} s beside the 5,000-page build"
                     if indexing.returncode == 0 else f"KB indexing beside the build failed: {output[-500:]}")
    return figures


def backend_suite(work: Path, notes: list[str]) -> list:
    """KB of 10,000 articles, ticket filing against the bare peer, then 100,000 tickets."""
    from bench import backend, business_hours, credentialbench, kbcorpus, mailbench, quizbench, searchpeer, synth, tickets, training, workspace
    from bench.serverproc import Server, load

    portal_dir = work / "portal-100" if (work / "portal-100").exists() else synth.make_portal(work / "portal-100", 100)
    pages, kb_file = kb_export(work)
    queries = kbcorpus.queries(pages, 300)
    site, data, logs = work / "kb-site", work / "data", work / "logs"
    logs.mkdir(exist_ok=True)
    env, figures, measured = {"PORTAL_SECRET_KEY": quizbench.SECRET}, [], {}
    with Server(["portal", str(data), str(site), str(portal_dir)], logs / "portal-1.log", **env) as portal:
        with Server(["bare", str(work / "bare.db")], logs / "bare.log", ready_path="/openapi.json") as bare:
            guarded(figures, notes, "ticket filing", lambda: backend.filing(portal, bare, pages[0]["id"]))
        measured = guarded([], notes, "suggestions", lambda: backend.measure_suggestions(portal, queries))
        guarded(figures, notes, "site search (backend)", lambda: backend.site_search_figures(portal, queries))
        startup = portal.startup_s
    guarded(figures, notes, "routed filing and 5 MB uploads", lambda: __import__("bench.attachments").attachments.figures(work, site, portal_dir, data / "kb-index"))
    guarded(figures, notes, "mail", lambda: mailbench.figures(work, site, portal_dir, pages[0]["id"], env))  # issue 15
    peer = searchpeer.compare(pages, queries, kb_file, data / "kb-index")
    if measured:
        figures += backend.suggestion_figures(measured, peer, startup)
    data2 = work / "data-100k"
    shutil.copytree(data / "kb-index", data2 / "kb-index")
    started = time.perf_counter()
    counts = tickets.seed(data2, 100_000, [p["id"] for p in pages])
    attempts = backend.ROUNDS * 2100
    submits = guarded([], notes, "quiz attempts setup", lambda: quizbench.prepare(data2, portal_dir, attempts))
    notes.append(f"seeded {counts} and {attempts:,} open quiz attempts in {time.perf_counter() - started:.0f} s")
    with Server(["portal", str(data2), str(site), str(portal_dir)], logs / "portal-2.log", **env) as portal:
        cookie = workspace.sign_in(portal)
        guarded(figures, notes, "agent queue", lambda: workspace.queue(portal, cookie))
        guarded(figures, notes, "reports page", lambda: workspace.reports(portal, cookie))
        if submits:
            guarded(figures, notes, "quiz submit", lambda: quizbench.http_figure(
                quizbench.rounds(submits, lambda batch, count, warmup: load(portal, batch, count, warmup=warmup))))
        guarded(figures, notes, "backup under load", lambda: workspace.backup_under_load(portal, cookie, data2, work))
    guarded(figures, notes, "PostgreSQL: filing on two instances, the queue", lambda: __import__("bench.postgres").postgres.figures(
        work, site, portal_dir, pages[0]["id"], data / "kb-index", env, data2))  # issue 19
    guarded(figures, notes, "grading in-process", quizbench.in_process)
    guarded(figures, notes, "training report", training.report_summary)  # issue 18
    guarded(figures, notes, "credential verification", credentialbench.sign_and_verify)  # issue 18
    guarded(figures, notes, "SLA in business hours", business_hours.sla_state_in_business_hours)
    return figures


def main() -> None:
    """Run the suites, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["build", "backend", "search"], help="Run one part only.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder and print where it is.")
    args = parser.parse_args()
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PORTAL_TODAY": "2026-06-01"})
    install_requirements()
    from bench import report

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    notes = [f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"]
    figures: list = []
    try:
        if args.only in (None, "build"):
            figures += build_suite(work, notes, with_backend=args.only is None)
        if args.only in (None, "backend"):
            figures += backend_suite(work, notes)
        if args.only in (None, "search"):
            from bench import search_quality

            guarded(figures, notes, "site search quality", search_quality.figures)
            guarded(figures, notes, "static search, 10,000 pages", lambda: __import__("bench.static_search").static_search.figures())
    finally:
        seconds = time.perf_counter() - started
        notes.append(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        out = report.write(figures, seconds, notes)
        print(report.table(figures))
        print(f"\n{len(figures)} figures in {seconds:.0f} s; written to {out}")
        if args.keep:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

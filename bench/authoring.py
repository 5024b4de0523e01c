"""Authoring speed and scale (issue 20): saves seen in an open Chromium page under ``portal serve`` and
``zensical serve``, the build with Zensical, and the 10,000-page build against a bare MkDocs build.

``python -m bench.authoring`` runs these rows alone (about 15 minutes on two quiet cores).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from bench import runner
from bench.bare import bare_project
from bench.builds import _site_bytes, nav_links
from bench.reload import fetch, free_port, wait_for
from bench.report import Figure

SAVES, GAP_SECONDS = 5, 2.0
START_TIMEOUT, SEEN_TIMEOUT = 600.0, 30.0
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# polled every 200 ms only, so the browser and the bench take no CPU from the server measured: the figure is the
# page's own DOMContentLoaded time (same machine, same clock) against the moment of the save
SHOWN_AT = "m => document.body && document.body.innerText.includes(m) ? performance.timing.domContentLoadedEventEnd : 0"
ZENSICAL_VENV = Path(os.environ.get("PORTAL_ZENSICAL_VENV", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                    / "portalgen" / "zensical-0.0.73"))


def zensical() -> str:
    """The ``zensical`` command that ``scripts/test-deps.sh`` installs in a venv of its own."""
    command = os.environ.get("PORTAL_ZENSICAL") or str(ZENSICAL_VENV / "bin" / "zensical")
    if not Path(command).is_file():
        raise RuntimeError(f"{command} missing: run scripts/test-deps.sh")
    return command


@contextmanager
def served(cmd: list[str], url: str, log: Path, cwd: Path | None = None) -> Iterator[None]:
    """Run a serving command until ``url`` answers; stop it afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=runner.env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        if wait_for(lambda: fetch(url) is not None, START_TIMEOUT, 0.25) is None:
            raise RuntimeError(f"{cmd[0]} did not answer {url}:\n{log.read_text(errors='replace')[-2000:]}")
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def saves_in_browser(url: str, file: Path) -> list[float | None]:
    """Seconds from each of ``SAVES`` saves (``GAP_SECONDS`` apart) until the open page in Chromium shows it."""
    from playwright.sync_api import Error, sync_playwright

    original, times = file.read_text(encoding="utf-8"), []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)

        def shown_at(marker: str) -> float:
            """When the page showing ``marker`` was ready (epoch s, the browser's clock), 0 while it is not."""
            try:
                return page.evaluate(SHOWN_AT, marker) / 1000
            except Error:  # the page is being reloaded
                return 0.0

        try:
            for number in range(SAVES):
                marker = f"Saved edit {number} {time.time_ns()}"
                file.write_text(original + f"\n{marker}\n", encoding="utf-8")
                saved, seen = time.time(), []
                if wait_for(lambda: bool(seen.append(shown_at(marker)) or seen[-1]), SEEN_TIMEOUT, 0.2) is None:
                    times.append(None)
                else:
                    times.append(max(0.0, seen[-1] - saved))
                time.sleep(max(0.0, saved + GAP_SECONDS - time.time()))
        finally:
            file.write_text(original, encoding="utf-8")
            browser.close()
    return times


def _article(root: Path) -> tuple[Path, str]:
    file = sorted((root / "content/articles").rglob("*.md"))[0]
    return file, file.relative_to(root / "content").as_posix()


def zensical_reload(root: Path, work: Path) -> list[float | None]:
    """``zensical serve`` on the portal written as a plain project: the same saves to the same page."""
    from generator.build import check
    from generator.zensical import write_project

    project = write_project(root, check(root), work / "zensical-serve")
    port, (_, rel) = free_port(), _article(root)
    url = f"http://127.0.0.1:{port}/{rel[:-3]}/"
    with served([zensical(), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"], url, work / "zensical-serve.log", cwd=project):
        return saves_in_browser(url, project / "docs" / rel)


def portal_reload(root: Path, work: Path) -> list[float | None]:
    """``portal serve``: saves to an article, seen in the open page (its live reload)."""
    port, (file, rel) = free_port(), _article(root)
    url = f"http://127.0.0.1:{port}/{rel[:-3]}/"
    cmd = [runner.tool("portal"), "serve", str(root), "--port", str(port), "--data-dir", str(work / "serve-data")]
    log = work / "portal-serve.log"
    with served(cmd, url, log):
        wait_for(lambda: "for changes" in log.read_text(errors="replace"), START_TIMEOUT, 0.1)  # the watcher's first look
        return saves_in_browser(url, file)


def _slowest(times: list[float | None]) -> float | None:
    return None if not times or None in times else round(max(t for t in times if t is not None), 3)


def reload_figure(root: Path, work: Path) -> Figure:
    """Slowest of 5 saves 2 s apart to the open page, ``portal serve`` beside ``zensical serve``."""
    work.mkdir(parents=True, exist_ok=True)
    theirs = zensical_reload(root, work)
    ours = portal_reload(root, work)
    return Figure("build", "saves 2 s apart seen in the open page, portal serve, 1,000 pages (slowest of 5)", _slowest(ours), "s", "<=", 1.0,
                  baseline=_slowest(theirs), baseline_label="zensical serve (s)",
                  detail={"portal_serve_s": ours, "zensical_serve_s": theirs,
                          "log_tail": (work / "portal-serve.log").read_text(errors="replace").splitlines()[-8:]})


def zensical_build_figure(root: Path, work: Path) -> Figure:
    """``portal build --engine zensical`` against ``portal build`` (MkDocs), 1,000 pages, one of each after a warm-up."""
    env = {"PORTAL_ZENSICAL": zensical()}
    commands: dict[str, Callable[[str], list[str]]] = {
        "mkdocs": lambda tag: [runner.tool("portal"), "build", str(root), "--site-dir", str(work / f"site-mkdocs-{tag}")],
        "zensical": lambda tag: [runner.tool("portal"), "build", str(root), "--engine", "zensical", "--site-dir", str(work / f"site-zensical-{tag}")],
    }
    for command in commands.values():
        runner.run(command("warmup"), **env)
    runs = {name: runner.run(command("0"), **env) for name, command in commands.items()}
    return Figure("build", "portal build --engine zensical / MkDocs, 1,000 pages", round(runs["zensical"].seconds / runs["mkdocs"].seconds, 3),
                  "x", "<=", 1.5, baseline=round(runs["mkdocs"].seconds, 2), baseline_label="portal build, MkDocs (s)",
                  detail={"zensical_s": round(runs["zensical"].seconds, 2), "mkdocs_s": round(runs["mkdocs"].seconds, 2),
                          "zensical_max_rss_mb": round(runs["zensical"].max_rss_mb), "mkdocs_max_rss_mb": round(runs["mkdocs"].max_rss_mb)})


def scale_figures(root: Path, work: Path, small: dict, pairs: int = 2) -> list[Figure]:
    """The 10,000-page build against a bare MkDocs build of its pages: time, peak memory (each command alone), HTML per page."""
    bare = bare_project(root, work / "bare-10000")
    commands = {
        "portal": lambda i: [runner.tool("portal"), "build", str(root), "--site-dir", str(work / f"site-10000-{i}")],
        "bare": lambda i: [runner.tool("mkdocs"), "build", "-q", "-f", str(bare / "mkdocs.yml"), "-d", str(work / f"site-bare-10000-{i}")],
    }
    done: dict[str, list[runner.Run]] = {"portal": [], "bare": []}
    for i in range(pairs):
        for name in ("portal", "bare") if i % 2 == 0 else ("bare", "portal"):
            done[name].append(runner.run(commands[name](i)))
    ratios = [p.seconds / b.seconds for p, b in zip(done["portal"], done["bare"])]
    peak = {name: max(r.max_rss_mb for r in runs) for name, runs in done.items()}
    sizes = _site_bytes(work / "site-10000-0")
    per_page, per_page_small = sizes["html"] / sizes["html_files"], small["html"] / small["html_files"]
    seconds = {name: [round(r.seconds, 1) for r in runs] for name, runs in done.items()}
    return [
        Figure("build", "portal build / bare mkdocs build, 10,000 pages", round(runner.median(ratios), 3), "x", "<=", 1.10,
               baseline=runner.median([r.seconds for r in done["bare"]]), baseline_label="bare mkdocs build (s)",
               detail={"pair_ratios": [round(r, 3) for r in ratios], **{f"{k}_s": v for k, v in seconds.items()}}),
        Figure("build", "portal build / bare mkdocs build, 10,000 pages: peak memory", round(peak["portal"] / peak["bare"], 3), "x", "<=", 1.25,
               baseline=round(peak["bare"]), baseline_label="bare mkdocs peak (MiB, /usr/bin/time)",
               detail={"portal_max_rss_mb": round(peak["portal"]), "bare_max_rss_mb": round(peak["bare"])}),
        Figure("build", "HTML bytes/page, 10,000 vs 1,000 pages", round(per_page / per_page_small, 3), "x", "<=", 1.10,
               baseline=round(per_page_small), baseline_label="bytes/page at 1,000",
               detail={"bytes_per_page_10000": round(per_page), "html_files": sizes["html_files"], **nav_links(work / "site-10000-0")}),
    ]


def figures(root_1000: Path, work: Path, small: dict | None) -> list[Figure]:
    """Every row of this module; a row that fails is reported as not measured and the others still run."""
    from bench import synth

    rows: list[tuple[str, Callable[[], Figure | list[Figure]]]] = [
        ("saves seen in the open page", lambda: reload_figure(root_1000, work / "authoring")),
        ("build with Zensical", lambda: zensical_build_figure(root_1000, work / "authoring")),
    ]
    if small is not None:
        rows.append(("10,000-page build", lambda: scale_figures(synth.make_portal(work / "portal-10000", 10_000), work, small)))
    out: list[Figure] = []
    for name, row in rows:
        try:
            got = row()
        except Exception as exc:  # noqa: BLE001 - as bench.__main__.guarded: a note, and the next row
            message = f"{name}: {type(exc).__name__}: {exc}"[:1500]
            out.append(Figure("error", name, None, "", "<=", 0, note=message[:300]))
            continue
        out += got if isinstance(got, list) else [got]
    return out


def main() -> None:
    """Run the rows on fresh synthetic portals and print them."""
    import tempfile

    from bench import report, synth
    from bench.builds import build_vs_bare

    os.environ.update(runner.QUIET_ENV)
    work = Path(tempfile.mkdtemp(prefix="portal-bench-authoring-"))
    root = synth.make_portal(work / "portal-1000", 1000)
    small = None if "--no-scale" in sys.argv else build_vs_bare(root, work / "build-1000", runs=1)[1]
    print(report.table(figures(root, work, small)))


if __name__ == "__main__":
    main()

"""Build benchmarks: the generator stage, ``portal check``, ``portal build`` against a bare MkDocs
build of the same rendered Markdown, and the 5,000-page build's memory and output size."""

from __future__ import annotations

import time
from pathlib import Path

from bench import runner
from bench.bare import bare_project
from bench.report import Figure


def generator_stage(root: Path, runs: int = 5) -> Figure:
    """Fastest of ``generate`` (load, validate, render) in one process, after one warm-up run (imports, templates).

    The fastest run, as ``timeit`` advises for work that does the same each time: on this shared
    machine the runs of one minute spread from 0.81 to 1.54 s, slower only when something else ran.
    The median is in the detail.
    """
    from generator.build import load_mkdocs_config
    from generator.pipeline import generate
    from generator.yaml_positions import load_yaml

    config = load_mkdocs_config(root)
    settings = config.plugins["portal"].settings  # type: ignore[attr-defined]
    times = []
    for _ in range(runs + 1):
        load_yaml.cache_clear()  # every run parses every source, as a fresh `portal check` does
        started = time.perf_counter()
        result = generate(root, settings, config.site_name, config.use_directory_urls)
        times.append(time.perf_counter() - started)
    assert not result.problems.errors, result.problems.report("bench")
    return Figure("build", "generator stage, 1,000 pages (fastest of 5)", round(min(times[1:]), 4), "s", "<=", 1.0,
                  detail={"runs": [round(t, 3) for t in times], "median_s": runner.median(times[1:]), "first_run_s": round(times[0], 3),
                          "pages": len(result.rendered.pages)})


def portal_check(root: Path, runs: int = 5) -> Figure:
    """Fastest wall time of ``portal check`` in a fresh process (see :func:`generator_stage`; the median is in the detail)."""
    times = [runner.run([runner.tool("portal"), "check", str(root)]).seconds for _ in range(runs)]
    return Figure("build", "portal check, 1,000 pages (fastest of 5)", round(min(times), 4), "s", "<=", 2.0,
                  detail={"runs": [round(t, 3) for t in times], "median_s": runner.median(times)})


def _site_bytes(site: Path) -> dict[str, int]:
    pages = [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("assets/")]
    return {"total": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
            "html": sum(p.stat().st_size for p in pages), "html_files": len(pages)}


def build_vs_bare(root: Path, work: Path, runs: int = 5) -> tuple[list[Figure], dict]:
    """``portal build`` against a bare ``mkdocs build`` of its rendered pages, in pairs of runs.

    The figure is the median of the pairs' ratios: the two builds of a pair run back to back, so a
    spell when this shared machine runs slow moves both alike (over a run the builds' times spread
    by about 10 %, more than the difference measured). The order flips every pair (portal first,
    then bare first, ...), so neither build always runs on a cache the other just warmed, and one
    uncounted build of each comes first (the first builds in a fresh folder ran up to a third slower).
    """
    bare = bare_project(root, work / "bare")
    commands = {
        "portal": lambda i: [runner.tool("portal"), "build", str(root), "--site-dir", str(work / f"site-portal-{i}")],
        "bare": lambda i: [runner.tool("mkdocs"), "build", "-q", "-f", str(bare / "mkdocs.yml"), "-d", str(work / f"site-bare-{i}")],
    }
    done: dict[str, list[runner.Run]] = {"portal": [], "bare": []}
    warmup = {name: round(runner.run(command("warmup")).seconds, 2) for name, command in commands.items()}  # not counted
    for i in range(runs):
        for name in ("portal", "bare") if i % 2 == 0 else ("bare", "portal"):
            done[name].append(runner.run(commands[name](i)))
    portal_runs, bare_runs = done["portal"], done["bare"]
    portal_s = runner.median([r.seconds for r in portal_runs])
    bare_s = runner.median([r.seconds for r in bare_runs])
    ratios = [p.seconds / b.seconds for p, b in zip(portal_runs, bare_runs)]
    sizes = _site_bytes(work / "site-portal-0")
    fig = Figure("build", "portal build / bare mkdocs build, 1,000 pages", round(runner.median(ratios), 3), "x", "<=", 1.15,
                 baseline=bare_s, baseline_label="bare mkdocs build (s)",
                 detail={"portal_s": portal_s, "bare_s": bare_s, "pair_ratios": [round(r, 3) for r in ratios],
                         "ratio_of_medians": round(portal_s / bare_s, 3), "warmup_s": warmup, "portal_runs": [round(r.seconds, 2) for r in portal_runs],
                         "bare_runs": [round(r.seconds, 2) for r in bare_runs], "portal_max_rss_mb": round(max(r.max_rss_mb for r in portal_runs)),
                         "bare_max_rss_mb": round(max(r.max_rss_mb for r in bare_runs)), **sizes})
    return [fig], {"pages": 1000, **sizes, "seconds": portal_s, "max_rss_mb": max(r.max_rss_mb for r in portal_runs)}


def nav_links(site: Path, sample: int = 300) -> dict[str, int]:
    """Navigation links per page over a sample of pages (a full nav would have one per page)."""
    pages = sorted(p for p in site.rglob("index.html") if not p.relative_to(site).as_posix().startswith("assets/"))
    counts = sorted(p.read_text(encoding="utf-8").count('class="md-nav__link') for p in pages[:: max(1, len(pages) // sample)])
    return {"nav_links_max": counts[-1], "nav_links_median": counts[len(counts) // 2], "pages_sampled": len(counts)}


def large_build(root: Path, work: Path, small: dict) -> list[Figure]:
    """The 5,000-page build: peak memory, and bytes per page against the 1,000-page build's."""
    result = runner.run([runner.tool("portal"), "build", str(root), "--site-dir", str(work / "site-5000")])
    sizes = _site_bytes(work / "site-5000")
    per_page_large, per_page_small = sizes["html"] / 5000, small["html"] / small["pages"]
    memory = Figure("build", "portal build 5,000 pages: peak memory", round(result.max_rss_mb), "MiB", "<", 1024,
                    detail={"seconds": round(result.seconds, 2), "max_rss_1000_mb": round(small["max_rss_mb"])})
    growth = Figure("build", "HTML bytes/page, 5,000 vs 1,000 pages", round(per_page_large / per_page_small, 3), "x", "<=", 1.10,
                    baseline=round(per_page_small), baseline_label="bytes/page at 1,000",
                    detail={"bytes_per_page_5000": round(per_page_large), "bytes_per_page_1000": round(per_page_small),
                            "site_bytes_5000": sizes["total"], "site_bytes_1000": small["total"], "seconds_5000": round(result.seconds, 2),
                            **nav_links(work / "site-5000")})
    return [memory, growth]

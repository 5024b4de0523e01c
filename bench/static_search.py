"""A reader's first search on a 10,000-page site hosted alone: Material's whole index against Pagefind's chunks.

The shell is the example portal as built (its pages, theme, the portal's search worker); its
search index is replaced by one of ``PAGES`` synthetic pages (the bench's KB articles, as Material
writes them), then either kept (Material's lunr, downloaded whole) or turned into Pagefind bundles
by the build's own ``write_pagefind``. Each site is served on 127.0.0.1 with gzip for text types,
as nginx's ``gzip on`` or a CDN serves them (Pagefind's chunks and wasm are gzipped already and sent
as they are), and Chromium opens the home page, types a query in the box and waits for the results:
the figure is the bytes on the wire (encoded) that the search fetched (index, chunks, worker,
scripts, wasm), the same way for both sides, and the milliseconds from the typed query to the results shown.
"""

from __future__ import annotations

import functools
import gzip
import html
import http.server
import json
import shutil
import statistics
import threading
import time
from pathlib import Path

PAGES = 10_000
QUERIES = 3  # a fresh browser context each: every one is a first search
WAIT_MS = 120_000
GZIPPED = {".json", ".js", ".mjs", ".css", ".html", ".svg", ".txt"}  # nginx's gzip_types; Pagefind's own files are gzipped already


class _CountingFiles(http.server.SimpleHTTPRequestHandler):
    """Static files, text types gzipped when the client accepts it; bytes sent per path are counted."""

    sent: dict[str, int] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        path = Path(self.translate_path(self.path))
        if path.suffix in GZIPPED and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file():
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self._count(len(body))
            return
        super().do_GET()
        self._count(path.stat().st_size if path.is_file() else 0)

    def _count(self, size: int) -> None:
        key = self.path.split("?", 1)[0]
        if "search" in key or "pagefind" in key:
            self.sent[key] = self.sent.get(key, 0) + size


def synthetic_index(shell_index: dict, pages: list[dict]) -> dict:
    """Material's index of the synthetic pages, with the shell's (tuned) config."""
    docs = []
    for page in pages:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in page["text"].split("\n\n") if p.strip())
        docs.append({"location": page["url"], "title": page["title"], "text": f"<p>{html.escape(page['summary'])}</p>{paragraphs}"})
    return {"config": shell_index["config"], "docs": docs}


def make_sites(shell: Path, work: Path, pages: list[dict]) -> dict[str, Path]:
    """The shell with the synthetic index kept (``material``) and turned into Pagefind bundles (``pagefind``)."""
    from generator.pagefind_index import write_pagefind

    index = synthetic_index(json.loads((shell / "search" / "search_index.json").read_text(encoding="utf-8")), pages)
    sites = {}
    for name in ("material", "pagefind"):
        site = work / f"static-{name}"
        shutil.copytree(shell, site)
        (site / "search" / "search_index.json").write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
        sites[name] = site
    started = time.perf_counter()
    write_pagefind(sites["pagefind"], index, "pagefind")
    sites["pagefind_index_s"] = round(time.perf_counter() - started, 1)  # type: ignore[assignment]
    return sites


def first_searches(site: Path, queries: list[str]) -> list[dict]:
    """Each query as a first search in a fresh Chromium context: bytes fetched for search, ms to the results."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from bench.search_quality import CHROMIUM_ARGS

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_CountingFiles, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for query in queries:
                _CountingFiles.sent = {}
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
                box = page.get_by_role("textbox", name="Search")
                box.click()
                box.fill(query[:-1])
                started = time.perf_counter()
                box.press_sequentially(query[-1])
                try:
                    page.locator(".md-search-result__item").first.wait_for(timeout=WAIT_MS)
                    ms, timed_out = round((time.perf_counter() - started) * 1000), False
                except PlaywrightTimeout:  # counted as the wait, marked: a figure, not a crash
                    ms, timed_out = WAIT_MS, True
                out.append({"ms": ms, "timed_out": timed_out, "bytes": sum(_CountingFiles.sent.values()),
                            "files": dict(_CountingFiles.sent)})
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def figures() -> list:
    """The bench rows: first search on the 10,000-page site, Pagefind's beside Material's index."""
    import tempfile

    from bench import kbcorpus
    from bench.report import Figure
    from bench.search_quality import build_example

    pages = kbcorpus.kb_pages(PAGES)
    queries = [q.text for q in kbcorpus.queries(pages, QUERIES)]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sites = make_sites(build_example(work / "shell"), work, pages)
        measured = {name: first_searches(sites[name], queries) for name in ("pagefind", "material")}
    kb = {name: statistics.median(r["bytes"] for r in runs) / 1000 for name, runs in measured.items()}
    ms = {name: statistics.median(r["ms"] for r in runs) for name, runs in measured.items()}
    detail = {"runs": measured, "pages": PAGES, "pagefind_index_s": sites["pagefind_index_s"]}
    return [
        Figure("search", f"static site box, Pagefind: first search fetches ({PAGES:,} pages, Chromium)", round(kb["pagefind"]), "kB",
               "<=", 300, round(kb["material"]), "Material's index (gzipped)", detail=detail),
        Figure("search", "static site box, Pagefind: first search to results", round(ms["pagefind"]), "ms", "<=", 1000,
               round(ms["material"]), "Material's index"),
    ]

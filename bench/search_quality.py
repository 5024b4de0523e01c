"""Search quality on the question set: the backend's search, the site's search box as built, and SQLite FTS5.

``python -m bench.search_quality [SITE] [--chromium]`` builds the example portal (or reads the built
``SITE``), runs every question of ``tests/data/search/questions.yml`` through the site's own search
worker (the script the site's ``__config`` names: in node by ``bench/search_worker.js`` the way
the browser runs it, or with ``--chromium`` in Debian's Chromium, the site served on 127.0.0.1) and through an FTS5 bm25 any-word query over the same articles and runbooks
(``_portal/kb.json``), and through the support backend's search (whoosh over that ``kb.json``: what
the site's box asks when the site is served with the backend, and the ticket form's suggestions),
and prints hit@1, hit@5 and MRR per style of question. A question hits when one of its expected
ids is among the first pages shown; an unanswerable question is answered correctly when the
static search shows nothing, or when the backend says "no good match".
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "data" / "search" / "questions.yml"
WORKER_JS = Path(__file__).with_name("search_worker.js")
WORD = re.compile(r"[a-z0-9]+")
MARKUP = re.compile(r"`{3}.*?`{3}|[#>*_`|\[\]()!-]+", re.S)
FUNCTION_WORDS = frozenset("a an and are as at be but by can do does for from how i if in is it its my me of on or so "
                           "that the their them then this to was we what when where which who why will with won't you "
                           "your i'm don't doesn't isn't can't not no".split())


@dataclass
class Question:
    """One question of the set: its words, who asks, how it is put, and the ids that answer it."""

    q: str
    role: str
    style: str
    expect: list[str]


def load_questions(path: Path = QUESTIONS) -> tuple[list[Question], list[Question]]:
    """The answerable questions and the unanswerable ones (``expect`` empty)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    answerable = [Question(item["q"], item["role"], item["style"], item["expect"]) for item in data["questions"]]
    unanswerable = [Question(item["q"], item["role"], "unanswerable", []) for item in data["unanswerable"]]
    return answerable, unanswerable


def kb_pages(site: Path) -> list[dict]:
    """The articles and runbooks of the build's ``_portal/kb.json``."""
    return json.loads((site / "_portal" / "kb.json").read_text(encoding="utf-8"))["pages"]


def worker_path(site: Path) -> str:
    """The search worker the built site's pages load (from the ``__config`` of its home page)."""
    found = re.search(r'"search":\s*"([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{site}/index.html names no search worker")
    return found.group(1)


def site_search(site: Path, queries: list[str]) -> list[list[str]]:
    """Each query's result pages (locations, in the order shown) from the site's own search worker."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed: the site's search worker runs in it (npm, which the browser tests need, brings it)")
    done = subprocess.run([node, str(WORKER_JS), str(site), worker_path(site)], input=json.dumps(queries),
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"the site's search worker failed in node:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ASK_WORKER = """async ({worker, queries}) => {
  const index = await (await fetch("search/search_index.json")).json()
  const search = new Worker(worker)
  const ask = message => new Promise(resolve => { search.onmessage = ev => resolve(ev.data); search.postMessage(message) })
  await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}})
  const results = [], times = []
  for (const query of queries) {
    const started = performance.now()
    const reply = await ask({type: 2, data: query})
    times.push(performance.now() - started)
    results.push(reply.data.items.map(group => group[0].location.split("#")[0]))
  }
  return {results, times}
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def chromium_search(site: Path, queries: list[str]) -> tuple[list[list[str]], list[float]]:
    """Each query's result pages from the site's worker in Chromium, and each query's milliseconds there."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            out = page.evaluate(ASK_WORKER, {"worker": worker_path(site), "queries": queries})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out["results"], out["times"]


def location_ids(site: Path) -> dict[str, str]:
    """Page location in the search index -> article or runbook id."""
    return {page["url"]: page["id"] for page in kb_pages(site)}


def fts5(pages: list[dict]) -> Callable[[str], list[str]]:
    """An FTS5 bm25 search over the pages (title ×3, tags ×2, text), any of the query's words, porter-stemmed."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE kb USING fts5(id UNINDEXED, title, tags, text, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO kb VALUES (?, ?, ?, ?)",
                     [(p["id"], p["title"], " ".join(p["tags"]), MARKUP.sub(" ", f"{p['summary']}\n{p['text']}")) for p in pages])

    def search(text: str) -> list[str]:
        terms = " OR ".join(f'"{w}"' for w in dict.fromkeys(WORD.findall(text.lower())))
        if not terms:
            return []
        rows = conn.execute("SELECT id FROM kb WHERE kb MATCH ? ORDER BY bm25(kb, 0.0, 3.0, 2.0, 1.0) LIMIT 20", [terms])
        return [row[0] for row in rows]

    return search


def backend(site: Path, scratch: Path) -> Callable[[str], tuple[list[str], bool]]:
    """The support backend's search over the build's ``kb.json``: each query's ids (best first) and its ``good_match``."""
    from support.kb.search import KnowledgeBase, good_match

    kb = KnowledgeBase(site / "_portal" / "kb.json", scratch / "kb-index")
    kb.refresh()

    def search(text: str) -> tuple[list[str], bool]:
        hits = kb.search(text, 10)
        return [h.id for h in hits], good_match(hits)

    return search


def overlap(question: Question, texts: dict[str, str]) -> float:
    """The share of the question's words (function words left out) found in its best expected article."""
    words = {w for w in WORD.findall(question.q.lower()) if w not in FUNCTION_WORDS} or set(WORD.findall(question.q.lower()))
    best = 0.0
    for ident in question.expect:
        vocabulary = set(WORD.findall(texts.get(ident, "").lower()))
        best = max(best, len(words & vocabulary) / len(words))
    return round(best, 3)


def rank(expect: list[str], results: list[str]) -> int | None:
    """1-based place of the first expected id among the results, or None."""
    return next((i + 1 for i, ident in enumerate(results) if ident in expect), None)


def scores(questions: list[Question], ranked: list[list[str]], overlaps: list[float]) -> dict[str, dict[str, float]]:
    """hit@1, hit@5, MRR and mean word overlap per style, over all questions, and over those sharing < 50 % of their words."""
    groups: dict[str, list[tuple[int | None, float]]] = {}
    for question, results, share in zip(questions, ranked, overlaps):
        place = rank(question.expect, results)
        for key in (question.style, "all") + (("overlap < 50 %",) if share < 0.5 else ()):
            groups.setdefault(key, []).append((place, share))
    return {key: {"n": len(items), "hit@1": _share([p for p, _ in items], 1), "hit@5": _share([p for p, _ in items], 5),
                  "mrr": round(sum(1 / p for p, _ in items if p) / len(items), 3),
                  "overlap": round(sum(o for _, o in items) / len(items), 3)} for key, items in groups.items()}


def _share(places: list[int | None], k: int) -> float:
    return round(sum(1 for p in places if p and p <= k) / len(places), 3)


def evaluate(site: Path, chromium: bool = False) -> dict:
    """Both engines over the question set against the built ``site``: scores, unanswered counts, overlaps.

    With ``chromium`` the site's worker runs in Chromium (and per-query milliseconds are reported), else in node.
    """
    answerable, unanswerable = load_questions()
    pages = kb_pages(site)
    texts = {p["id"]: f"{p['title']} {' '.join(p['tags'])} {p['summary']} {p['text']}" for p in pages}
    overlaps = [overlap(q, texts) for q in answerable]
    low = sum(1 for share in overlaps if share < 0.5)
    ids = location_ids(site)
    queries = [q.q for q in answerable + unanswerable]
    times: list[float] = []
    found, times = chromium_search(site, queries) if chromium else (site_search(site, queries), times)
    site_ranked = [[ids.get(loc, loc) for loc in results] for results in found]
    peer = fts5(pages)
    fts_ranked = [peer(q.q) for q in answerable + unanswerable]
    with tempfile.TemporaryDirectory() as scratch:
        ours = backend(site, Path(scratch))
        answers = [ours(q.q) for q in answerable + unanswerable]
    backend_ranked = [ids for ids, _ in answers]
    n = len(answerable)
    ordered = sorted(times)
    return {
        "engine": "chromium" if chromium else "node", "questions": n, "unanswerable": len(unanswerable),
        "site_query_ms": {"p50": round(ordered[len(ordered) // 2], 2), "p95": round(ordered[int(len(ordered) * 0.95)], 2)} if times else None,
        "mean_overlap": round(sum(overlaps) / n, 3), "low_overlap_questions": low,
        "site": scores(answerable, site_ranked[:n], overlaps), "fts5": scores(answerable, fts_ranked[:n], overlaps),
        "backend": scores(answerable, backend_ranked[:n], overlaps),
        "backend_no_good_match_on_unanswerable": sum(1 for _, good in answers[n:] if not good),
        "backend_no_good_match_on_answerable": sum(1 for _, good in answers[:n] if not good),
        "site_empty_on_unanswerable": sum(1 for r in found[n:] if not r),
        "fts5_empty_on_unanswerable": sum(1 for r in fts_ranked[n:] if not r),
        "per_question": [{"q": q.q, "style": q.style, "overlap": share, "site_rank": rank(q.expect, s), "fts5_rank": rank(q.expect, f),
                          "backend_rank": rank(q.expect, b), "site_top5": s[:5]}
                         for q, share, s, f, b in zip(answerable, overlaps, site_ranked, fts_ranked, backend_ranked)],
    }


def build_example(target: Path) -> Path:
    """``portal build`` of the repository's example portal into ``target``; the site folder."""
    portal = Path(sys.executable).with_name("portal")
    done = subprocess.run([str(portal), "build", str(REPO), "--site-dir", str(target)], capture_output=True, text=True,
                          env={**os.environ, "PORTAL_TODAY": "2026-11-20", "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode:
        raise RuntimeError(f"portal build of the example failed:\n{done.stdout}{done.stderr[-3000:]}")
    return target


def table(result: dict) -> str:
    """The scores as a Markdown table, site search beside FTS5, one row per style."""
    rows = ["| style | n | word overlap | backend hit@1 | backend hit@5 | backend MRR | static box hit@1 | static box hit@5 "
            "| static box MRR | FTS5 hit@1 | FTS5 hit@5 | FTS5 MRR |", "|---" * 12 + "|"]
    for style, site in sorted(result["site"].items(), key=lambda kv: (kv[0] == "all", kv[0])):
        ours, peer = result["backend"][style], result["fts5"][style]
        rows.append(f"| {style} | {site['n']} | {site['overlap']} | {ours['hit@1']} | {ours['hit@5']} | {ours['mrr']} "
                    f"| {site['hit@1']} | {site['hit@5']} | {site['mrr']} | {peer['hit@1']} | {peer['hit@5']} | {peer['mrr']} |")
    if result.get("site_query_ms"):
        rows.append(f"\nsite search in Chromium: p50 {result['site_query_ms']['p50']} ms, p95 {result['site_query_ms']['p95']} ms a query")
    rows.append(f"\nunanswerable questions answered \"no good match\" by the backend: {result['backend_no_good_match_on_unanswerable']}"
                f"/{result['unanswerable']} (and {result['backend_no_good_match_on_answerable']} of {result['questions']} answerable ones)")
    rows.append(f"unanswerable questions with no result: static box {result['site_empty_on_unanswerable']}/{result['unanswerable']}, "
                f"FTS5 {result['fts5_empty_on_unanswerable']}/{result['unanswerable']}; mean word overlap {result['mean_overlap']}, "
                f"{result['low_overlap_questions']} questions under 50 %")
    return "\n".join(rows)


def figures() -> list:
    """The bench rows: the site search's hit@5 and MRR on the question set, FTS5's beside them."""
    from bench.report import Figure

    with tempfile.TemporaryDirectory() as scratch:
        result = evaluate(build_example(Path(scratch) / "site"), chromium=True)
    site, peer, n = result["site"]["all"], result["fts5"]["all"], result["questions"]
    ours = result["backend"]["all"]
    detail = {k: v for k, v in result.items() if k != "per_question"}
    return [
        Figure("search", f"backend search (site box when served, ticket form): expected article in top 5 ({n} questions)",
               ours["hit@5"], "", ">=", 0.9, peer["hit@5"], "SQLite FTS5 bm25 top-5 share",
               detail={"per_style": result["backend"], "site_box_static": result["site"], "fts5": result["fts5"]}),
        Figure("search", "backend search: hit@1 / MRR (same questions)", ours["hit@1"], "", ">=", 0.7, peer["hit@1"], "FTS5 hit@1",
               note=f"MRR {ours['mrr']} (FTS5 {peer['mrr']})"),
        Figure("search", f"backend search: \"no good match\" on the {result['unanswerable']} unanswerable questions",
               result["backend_no_good_match_on_unanswerable"], "", ">=", 8, result["fts5_empty_on_unanswerable"],
               "FTS5 questions with no result"),
        Figure("search", f"site box, static index (hosted alone): expected article in top 5 ({n} questions)", site["hit@5"], "", ">=", 0.9,
               peer["hit@5"], "SQLite FTS5 bm25 top-5 share", detail=detail),
        Figure("search", "site box, static index: mean reciprocal rank (same questions)", site["mrr"], "", ">=", 0.7, peer["mrr"], "FTS5 MRR"),
    ]


def main() -> None:
    """Print the table for a built site (argument) or a fresh build of the example portal."""
    args = [a for a in sys.argv[1:] if a != "--chromium"]
    chromium = "--chromium" in sys.argv[1:]
    if args:
        result = evaluate(Path(args[0]), chromium)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            result = evaluate(build_example(Path(scratch) / "site"), chromium)
    print(table(result))
    out = REPO / "bench" / "results" / "search-quality.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

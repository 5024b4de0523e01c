"""The search engines side by side, in-process: the backend's whoosh ``KnowledgeBase`` and SQLite FTS5.

Both index the same text (``support.kb.search.plain_text`` of summary and body) with the same field
weights (title 3, tags 2, text 1), both stem (whoosh's StemmingAnalyzer, FTS5's porter
tokenizer) and both make a snippet, over the same queries. The backend also counts neighbouring-word
pairs and leaves out words found in most articles (see ``KnowledgeBase.search``); the FTS5 peer is
the plain any-word BM25 query that the backend's search used to be.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Callable

from bench.kbcorpus import Query

WORD = re.compile(r"\w+")


def fts5_index(pages: list[dict]) -> tuple[sqlite3.Connection, float]:
    """An in-memory FTS5 table of the pages, and the seconds indexing took."""
    from support.kb.search import plain_text

    started = time.perf_counter()
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE kb USING fts5(id UNINDEXED, title, tags, text, tokenize='porter unicode61')")
    rows = [(p["id"], p["title"], " ".join(p["tags"]), plain_text(f"{p['summary']}\n\n{p['text']}")) for p in pages]
    conn.executemany("INSERT INTO kb (id, title, tags, text) VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    return conn, time.perf_counter() - started


def fts5_search(conn: sqlite3.Connection, text: str, limit: int = 5) -> list[str]:
    """Ids of the best ``limit`` pages for any of the query's words, BM25 with the field weights."""
    terms = " OR ".join(f'"{w}"' for w in dict.fromkeys(WORD.findall(text.lower())))
    if not terms:
        return []
    rows = conn.execute(
        "SELECT id, snippet(kb, 3, '<mark>', '</mark>', ' … ', 16) FROM kb WHERE kb MATCH ? "
        "ORDER BY bm25(kb, 0.0, 3.0, 2.0, 1.0) LIMIT ?", [terms, limit],
    ).fetchall()
    return [row[0] for row in rows]


def measure(search: Callable[[str], list[str]], queries: list[Query]) -> dict:
    """Latency percentiles (ms) and the share of queries whose source article is in the top 5."""
    times, hits = [], 0
    for q in queries:
        started = time.perf_counter()
        ids = search(q.text)
        times.append((time.perf_counter() - started) * 1000)
        hits += q.article_id in ids[:5]
    ordered = sorted(times)
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(ordered[int(len(ordered) * 0.95)], 2),
            "top5": round(hits / len(queries), 3), "queries": len(queries)}


def compare(pages: list[dict], queries: list[Query], kb_file: Path, index_root: Path) -> dict:
    """Both engines over the same pages and queries (whoosh reuses the index the server built)."""
    from support.kb.search import KnowledgeBase

    conn, fts_seconds = fts5_index(pages)
    kb = KnowledgeBase(kb_file, index_root)
    kb.refresh()
    try:
        whoosh = measure(lambda text: [s.id for s in kb.search(text, 5)], queries)
    finally:
        kb.close()
    fts5 = measure(lambda text: fts5_search(conn, text), queries)
    fts5["index_s"] = round(fts_seconds, 2)
    return {"whoosh": whoosh, "fts5": fts5}

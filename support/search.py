"""The whoosh index of KB articles (BM25F over title, tags and text), built from the site's ``kb.json``.

The index lives in ``<data_dir>/kb-index/<hash>/`` where ``<hash>`` starts the sha256 of the
``kb.json`` bytes, with ``CURRENT`` naming the live one. A changed export is indexed into a new
folder and swapped in, so searches never see a half-built index and restarts reuse a finished one.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import highlight, index, scoring
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import Or, Term

MAX_QUERY_TERMS = 32
INDEX_FORMAT = 2  # bump when indexing changes, so a stored index of the same kb.json is rebuilt
MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](target) and images -> text
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", re.M), ""),  # headings, quotes, list markers
    (re.compile(r"```[^\n]*|`|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),  # fences, code, emphasis
    (re.compile(r"[ \t]*\n[\s]*"), "\n"),
]
MIN_RELATIVE_SCORE = 0.2  # drop hits scoring under a fifth of the best: noise from one common word


def make_schema() -> Schema:
    """Fields and boosts: title (x3) > tags (x2) > text."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=3.0),
        tags=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True, field_boost=2.0),
        text=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        url=STORED,
    )


@dataclass(frozen=True)
class Suggestion:
    """One search hit; ``snippet_html`` is escaped text with matches in ``<mark>``."""

    id: str
    title: str
    url: str
    type: str
    summary: str
    snippet_html: str
    score: float


class MarkFormatter(highlight.Formatter):
    """Highlights matches with ``<mark>`` and HTML-escapes everything else."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"


class KnowledgeBase:
    """The KB pages from ``kb.json`` and a searcher over them; safe to share between threads."""

    def __init__(self, kb_file: Path | None, index_root: Path, check_seconds: float = 0.0) -> None:
        self.kb_file = kb_file
        self.check_seconds = check_seconds
        self._checked_at = float("-inf")
        self.index_root = index_root
        self.pages: dict[str, dict[str, Any]] = {}
        self.site_name = ""
        self.generated = ""
        self._hash = ""
        self._stat: tuple[int, int] | None = None
        self._searcher: Any = None
        self._lock = threading.RLock()

    def get(self, page_id: str) -> dict[str, Any] | None:
        """The KB page with ``page_id`` or None."""
        self.refresh()
        return self.pages.get(page_id)

    def refresh(self) -> bool:
        """Reload and re-index if ``kb.json`` changed since the last look; True if it did.

        Looks at the file at most once per ``check_seconds``.
        """
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at < self.check_seconds:
                return False
            self._checked_at = now
            stat = self._file_stat()
            if stat == self._stat or (stat is None and self.pages):
                return False  # unchanged, or briefly missing while the site is rebuilt: keep the current index
            self._stat = stat
            data = self.kb_file.read_bytes() if stat else b""
            digest = hashlib.sha256(data).hexdigest()
            if digest == self._hash:
                return False
            self._load(data, digest, force=False)
            return True

    def rebuild(self) -> int:
        """Re-read ``kb.json`` and rebuild the index from scratch; returns the number of pages indexed."""
        with self._lock:
            self._stat = self._file_stat()
            data = self.kb_file.read_bytes() if self._stat else b""
            self._load(data, hashlib.sha256(data).hexdigest(), force=True)
            return len(self.pages)

    def search(self, text: str, limit: int, exclude: tuple[str, ...] = ()) -> list[Suggestion]:
        """Up to ``limit`` pages best matching free ``text`` (any word may match), best first."""
        self.refresh()
        with self._lock:
            if self._searcher is None:
                return []
            query = self._query(text)
            if query is None:
                return []
            results = self._searcher.search(query, limit=limit + len(exclude), terms=True)
            results.fragmenter = highlight.ContextFragmenter(maxchars=140, surround=40)
            results.formatter = MarkFormatter()
            hits = [hit for hit in results if hit["id"] not in exclude][:limit]
            floor = hits[0].score * MIN_RELATIVE_SCORE if hits else 0
            return [self._suggestion(hit) for hit in hits if hit.score >= floor]

    def _query(self, text: str) -> Or | None:
        schema = self._searcher.schema
        stems = [t.text for t in schema["text"].analyzer(text, mode="query")][:MAX_QUERY_TERMS]
        words = {w.lower() for w in text.replace(",", " ").split()[:MAX_QUERY_TERMS]}
        terms = [Term(f, s) for s in dict.fromkeys(stems) for f in ("title", "text")]
        terms += [Term("tags", w) for w in words]
        return Or(terms) if stems or words else None

    def _suggestion(self, hit: Any) -> Suggestion:
        page = self.pages.get(hit["id"], {})
        snippet = hit.highlights("text", top=2) or html.escape(page.get("summary", ""))
        return Suggestion(
            id=hit["id"], title=hit["title"], url=hit["url"], type=page.get("type", "article"),
            summary=page.get("summary", ""), snippet_html=snippet, score=round(hit.score, 3),
        )

    def _file_stat(self) -> tuple[int, int] | None:
        if self.kb_file is None or not self.kb_file.is_file():
            return None
        stat = self.kb_file.stat()
        return stat.st_mtime_ns, stat.st_size

    def _load(self, data: bytes, digest: str, force: bool) -> None:
        pages, meta = parse_export(data)
        folder = self.index_root / f"{digest[:24]}-v{INDEX_FORMAT}"
        if force or not index.exists_in(folder):
            build_index(folder, pages.values())
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = index.open_dir(str(folder)).searcher(weighting=scoring.BM25F())
        self.pages, self._hash = pages, digest
        self.site_name, self.generated = meta.get("site_name", ""), meta.get("generated", "")
        _write_current(self.index_root, folder)

    def close(self) -> None:
        """Close the searcher."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def parse_export(data: bytes) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Pages by id and the export's metadata; an empty or unreadable export gives no pages."""
    if not data.strip():
        return {}, {}
    try:
        export = json.loads(data)
        pages = {str(p["id"]): p for p in export.get("pages", []) if isinstance(p, dict) and p.get("id")}
    except (ValueError, AttributeError, TypeError, KeyError):
        return {}, {}
    return pages, export


def build_index(folder: Path, pages: Any) -> None:
    """Write a fresh index of ``pages`` into ``folder`` (built aside, then renamed into place)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = folder.with_name(folder.name + f".tmp{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    ix = index.create_in(str(temp), make_schema())
    with ix.writer() as writer:
        for page in pages:
            writer.add_document(
                id=str(page["id"]), title=str(page.get("title", page["id"])), url=str(page.get("url", "")),
                tags=",".join(str(t) for t in page.get("tags", [])),
                text=plain_text(f"{page.get('summary', '')}\n\n{page.get('text', '')}"),
            )
    ix.close()
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(temp, folder)


def plain_text(markdown: str) -> str:
    """Markdown reduced to readable text for indexing and snippets (links keep their words)."""
    for pattern, replacement in MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    return markdown.strip()


def _write_current(root: Path, folder: Path) -> None:
    """Record the live index and remove the others."""
    pointer = root / "CURRENT"
    temp = root / f"CURRENT.{os.getpid()}"
    temp.write_text(folder.name)
    os.replace(temp, pointer)
    for other in root.iterdir():
        if other.is_dir() and other != folder and ".tmp" not in other.name:
            shutil.rmtree(other, ignore_errors=True)

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

from whoosh import index, scoring
from whoosh.analysis import STOP_WORDS, ShingleFilter, StemmingAnalyzer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import Or

from support.kb import snippets, terms
from support.kb.snippets import prose

INDEX_FORMAT = 6  # bump when indexing changes, so a stored index of the same kb.json is rebuilt
MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](target) and images -> text
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", re.M), ""),  # headings, quotes, list markers
    (re.compile(r"```[^\n]*|`|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),  # fences, code, emphasis
    (re.compile(r"[ \t]*\n[\s]*"), "\n"),
]
MIN_RELATIVE_SCORE = 0.2  # drop hits scoring under a fifth of the best: noise from one common word
# Below this BM25F score the best hit is no good match: calibrated on tests/data/search/questions.yml over the example
# (10 of its 12 unanswerable questions fall below, 4 of its 168 answerable ones too; those still show their articles).
GOOD_MATCH_SCORE = 12.0
# Function words skipped when pairing neighbouring words: "replace the scanner cable" pairs "replac scanner", "scanner cabl".
PAIR_STOPWORDS = frozenset(STOP_WORDS) | frozenset(
    "about above after again all also any because been before being below between both but could did do does doing down "
    "during each few further had has how into its just more most must no nor now off once only other our out over own same "
    "shall should so some such than then there these they those through too under until up very was were what where which "
    "while who whom why would".split()
)
WORD = re.compile(r"\w+")
INLINE_POSTINGS = 4  # terms in at most this many articles are stored in the term table (see ``InliningCodec``)


def pair_analyzer() -> Any:
    """Stemmed neighbouring words as one term (``"barcod scanner"``), function words skipped."""
    return StemmingAnalyzer(stoplist=PAIR_STOPWORDS) | ShingleFilter(size=2, sep=" ")


class _InliningPostingsWriter(W3PostingsWriter):
    """whoosh's postings writer with its inlining working (2.7.5 calls ``set_inline`` where it means ``set_inlined``)."""

    def finish_postings(self) -> Any:
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        return terminfo


class InliningCodec(W3Codec):
    """The default codec, with posting lists of up to ``INLINE_POSTINGS`` documents kept in the term table.

    Read back by whoosh's own reader; indexing a fifth faster, same results (docs/performance.md).
    """

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_POSTINGS + 1)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                       compression=self._compression, inlinelimit=self._inlinelimit)


def make_schema() -> Schema:
    """Fields and boosts: title (x3) > tags, glossary keywords (x2) > text; ``pairs``: neighbouring-word pairs of all three."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=3.0),
        tags=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True, field_boost=2.0),
        text=TEXT(analyzer=StemmingAnalyzer()),
        prose=STORED,  # what snippets are cut from (``snippets.prose``)
        keywords=TEXT(analyzer=StemmingAnalyzer(), field_boost=2.0),
        pairs=TEXT(analyzer=pair_analyzer(), phrase=False),
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
        self.queries = 0  # searches run, and those that found nothing (read by /metrics)
        self.empty_queries = 0

    def loaded(self) -> bool:
        """True when the export is indexed and searchable, or when there is no export to read."""
        return self.kb_file is None or self._searcher is not None

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
        """Up to ``limit`` pages best matching free ``text``, best first.

        One BM25F query over the query's words in title (x3), tags (x2) and text, plus its rare
        neighbouring-word pairs (``pairs``, x8): a page with the typed words side by side outranks
        pages that only have them scattered. Which words and pairs are asked for, and how a word
        the index does not know is respelled, is ``terms.ask``.
        """
        self.refresh()
        with self._lock:
            return self._search(text, limit, exclude)

    def search_now(self, text: str, limit: int, exclude: tuple[str, ...] = ()) -> list[Suggestion] | None:
        """:meth:`search` if it can run at once, else None: when a look at ``kb.json`` is due or the index is being rebuilt.

        For callers on the event loop, which must not wait for a rebuild (they go to a thread instead).
        """
        if time.monotonic() - self._checked_at >= self.check_seconds or not self._lock.acquire(blocking=False):
            return None
        try:
            return self._search(text, limit, exclude)
        finally:
            self._lock.release()

    def site_search(self, text: str, limit: int, wait: bool = True) -> tuple[list[Suggestion], list[str]] | None:
        """:meth:`search` and the index words it asked for (what the opened page highlights), in one pass.

        With ``wait`` False None instead of waiting (see :meth:`search_now`).
        """
        if wait:
            self.refresh()
            with self._lock:
                return self._search_asked(text, limit, ())
        if time.monotonic() - self._checked_at >= self.check_seconds or not self._lock.acquire(blocking=False):
            return None
        try:
            return self._search_asked(text, limit, ())
        finally:
            self._lock.release()

    def _search(self, text: str, limit: int, exclude: tuple[str, ...]) -> list[Suggestion]:
        return self._search_asked(text, limit, exclude)[0]

    def _search_asked(self, text: str, limit: int, exclude: tuple[str, ...]) -> tuple[list[Suggestion], list[str]]:
        if self._searcher is None:
            return [], []
        asked = terms.ask(self._searcher, text)
        if not asked.terms:
            return [], []
        results = self._searcher.search(Or(asked.terms), limit=limit + len(exclude))
        hits = [hit for hit in results if hit["id"] not in exclude][:limit]
        floor = hits[0].score * MIN_RELATIVE_SCORE if hits else 0
        typed = [w for w in WORD.findall(text.lower())]
        pattern = snippets.marker([*asked.marked, *typed], PAIR_STOPWORDS)  # no <mark> on "not", "the"
        found = [self._suggestion(hit.fields() | {"score": hit.score}, pattern) for hit in hits if hit.score >= floor]
        self.queries += 1  # under the lock
        self.empty_queries += not found
        return found, asked.marked

    def _suggestion(self, hit: dict[str, Any], marker: re.Pattern[str] | None) -> Suggestion:
        page = self.pages.get(hit["id"], {})
        snippet = snippets.snippet(hit.get("prose", ""), marker) or html.escape(page.get("summary", ""))
        return Suggestion(
            id=hit["id"], title=hit["title"], url=hit["url"], type=page.get("type", "article"),
            summary=page.get("summary", ""), snippet_html=snippet, score=round(hit["score"], 3),
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
    with ix.writer(codec=InliningCodec()) as writer:
        for page in pages:
            title, text = str(page.get("title", page["id"])), plain_text(f"{page.get('summary', '')}\n\n{page.get('text', '')}")
            keywords = "\n".join(str(k) for k in page.get("keywords", []))  # the glossary's other names for what the page covers
            writer.add_document(
                id=str(page["id"]), title=title, url=str(page.get("url", "")),
                tags=",".join(str(t) for t in page.get("tags", [])), text=text, keywords=keywords,
                prose=prose(f"{page.get('summary', '')}\n\n{page.get('text', '')}"),
                pairs=f"{title}\n{keywords}\n{text}",
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


def good_match(hits: list[Suggestion]) -> bool:
    """True when the best hit scores as an answer (``GOOD_MATCH_SCORE``), False when the portal seems to have none."""
    return bool(hits) and hits[0].score >= GOOD_MATCH_SCORE


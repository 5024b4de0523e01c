"""From what a reader typed to the index terms one KB search asks for.

- **Spelling tolerance**: a query word the index does not know (in no title, text or keyword) is
  read as the start of a word being typed when words start with it (``scann`` -> ``scanner``),
  as the same word without a leading ``re`` (``recalibrate`` -> ``calibrate``), or else as its
  nearest word of the index's own vocabulary, one edit away (two for long words), from whoosh's
  corrector over the text field (``webhok`` -> ``webhook``).
- **Compounds and ``re-``**: a known word also asks, at half weight, for up to ``COMPOUNDS`` words
  of the index that are it and at least three more letters (``lock`` -> ``lockout``), and for the
  word with or without a leading ``re`` (``calibrate`` <-> ``recalibrate``): Porter's stemmer
  leaves both apart, and a glossary entry per pair would not scale.
- **Common words**: a word in more than a twentieth of the articles (and over 100 of them) is left out
  when rarer words remain (they hardly change the ranking; their posting lists made the slowest queries).
- **Word pairs** (neighbouring words, weighed ``PAIR_BOOST``) only when the pair is rare: in at
  most ``RARE_PAIR_SHARE`` of the articles. A pair of common words ("work order", "the line")
  would otherwise outrank the one telling word of the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from whoosh.query import Term

MAX_QUERY_TERMS = 32
PAIR_BOOST = 8.0
RARE_PAIR_SHARE, RARE_PAIR_MIN_DOCS = 0.05, 2
COMMON_SHARE, COMMON_MIN_DOCS = 0.05, 100  # 0.1 -> 0.05: p95 CPU per query -16 % over 10,000 articles (docs/performance.md)
COMPOUNDS, COMPOUND_BOOST, MIN_COMPOUND_STEM = 3, 0.5, 4
FIELDS = ("title", "text", "keywords")
MIN_REST = 5  # "re" + at least five letters: recalibrate/calibrate, not read/ad or remove/move
CONTRACTIONS = frozenset("wont cant dont doesnt isnt arent didnt wasnt couldnt shouldnt im ive youre theres whats its".split())
APOSTROPHE = re.compile(r"(\w)['\u2019](\w)")
PREFIX_SCAN = 16  # words looked at per prefix: bounds the cost of a short prefix


@dataclass(frozen=True)
class Asked:
    """The terms of one query and the words to mark in what it finds (the stems asked for, corrections included)."""

    terms: list[Any]
    marked: list[str]


def ask(searcher: Any, text: str) -> Asked:
    """The whoosh terms for free ``text`` over the KB schema (see the module's docstring)."""
    schema = searcher.schema
    text = APOSTROPHE.sub(r"\1\2", text)  # "won't" is one word (a contraction, skipped), not "won" and "t"
    stems = list(dict.fromkeys(t.text for t in schema["text"].analyzer(text, mode="query")))[:MAX_QUERY_TERMS]
    words = list(dict.fromkeys(w.lower() for w in text.replace(",", " ").split()))[:MAX_QUERY_TERMS]
    if not stems and not words:
        return Asked([], [])
    docs = searcher.doc_count() or 1
    reader = searcher.reader()
    weighted: dict[str, float] = {}
    for stem in stems:
        if stem in CONTRACTIONS:
            continue
        if _known(searcher, stem):
            weighted.setdefault(stem, 1.0)
            for related in _related(searcher, reader, stem):
                weighted.setdefault(related, COMPOUND_BOOST)
        else:
            for fixed in _respelled(searcher, reader, stem):
                weighted.setdefault(fixed, 1.0)
    frequency = {s: searcher.doc_frequency("text", s) for s in weighted}
    common = max(COMMON_SHARE * docs, COMMON_MIN_DOCS)
    # when every word is common, the rarest one and the pairs rank as well (same top-5 share) at a
    # fraction of the cost: over 10,000 articles p95 13.6 -> 5.9 ms, p99 31 -> 8 ms
    narrowing = [s for s in weighted if frequency[s] <= common] or sorted(weighted, key=frequency.__getitem__)[:1]
    terms = [Term(f, s, boost=weighted[s]) for s in narrowing for f in FIELDS] + [Term("tags", w) for w in words]
    rare = max(RARE_PAIR_SHARE * docs, RARE_PAIR_MIN_DOCS)
    pairs = dict.fromkeys(t.text for t in schema["pairs"].analyzer(text, mode="query"))
    terms += [Term("pairs", p, boost=PAIR_BOOST) for p in list(pairs)[:MAX_QUERY_TERMS] if searcher.doc_frequency("pairs", p) <= rare]
    return Asked(terms, narrowing)


def _known(searcher: Any, stem: str) -> bool:
    return any(searcher.doc_frequency(field, stem) for field in FIELDS)


def _related(searcher: Any, reader: Any, stem: str) -> list[str]:
    """Compounds of a known word (``lock`` -> ``lockout``) and the word with or without ``re``."""
    found = _starting_with(reader, stem, COMPOUNDS, extra=3) if len(stem) >= MIN_COMPOUND_STEM else []
    other = stem[2:] if stem.startswith("re") and len(stem) >= 2 + MIN_REST else "re" + stem
    if len(other) >= MIN_REST and _known(searcher, other):
        found.append(other)
    return found


def _starting_with(reader: Any, stem: str, limit: int, extra: int = 1) -> list[str]:
    """Up to ``limit`` words of the text field that are ``stem`` and ``extra`` or more letters, the most frequent first."""
    found = []
    for i, raw in enumerate(reader.expand_prefix("text", stem)):
        word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if i >= PREFIX_SCAN:
            break
        if len(word) >= len(stem) + extra and word.isalpha():
            found.append(word)
    return sorted(found, key=lambda w: -reader.doc_frequency("text", w))[:limit]


def _respelled(searcher: Any, reader: Any, stem: str) -> list[str]:
    """What an unknown query word most likely meant: a word being typed, ``re``+word, or the nearest word."""
    if len(stem) < 3:
        return []
    typed = _starting_with(reader, stem, COMPOUNDS)
    if typed:
        return typed
    if stem.startswith("re") and len(stem) >= 2 + MIN_REST and _known(searcher, stem[2:]):
        return [stem[2:]]
    if len(stem) < 4:
        return []
    return list(searcher.corrector("text").suggest(stem, limit=1, maxdist=1 if len(stem) < 7 else 2, prefix=1))

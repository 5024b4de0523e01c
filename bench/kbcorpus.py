"""A synthetic knowledge base of N articles as the build exports it (``_portal/kb.json``), and queries.

Articles come from the same planner and writer as the synthetic portals; each query is three
consecutive content words (function words skipped) from one article's own prose, so a good
engine should put that article in its top five.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from bench import synth
from bench.text import STOPWORDS

FENCE = re.compile(r"```.*?```", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
PROSE_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Query:
    """A query and the article it was drawn from."""

    text: str
    article_id: str


def kb_pages(count: int, seed: int = 7) -> list[dict]:
    """``count`` articles in the export's format (id, type, title, kind, url, roles, tags, summary, text)."""
    words = synth.Words(random.Random(seed), synth.vocabulary_size(count))
    roles = [{"id": f"role-{i}", "title": f"Role {i}"} for i in range(8)]
    areas = sorted({synth.slug(w) for w in words.rare(12)})
    plan = synth.Plan(roles, synth.plan_articles(words, count, [r["id"] for r in roles], areas), [], 0)
    pages = []
    for art in plan.articles:
        meta = synth.article_front(words, art)
        body = synth.article_body(words, art, plan)
        pages.append({"id": art.id, "type": "article", "title": art.title, "kind": meta["kind"],
                      "url": f"articles/{art.area}/{art.id}/", "roles": meta["roles"], "tags": meta["tags"],
                      "summary": meta["summary"], "text": body, "fingerprint": ""})
    return pages


def write_export(site: Path, pages: list[dict]) -> Path:
    """Write ``site/_portal/kb.json`` as the build would."""
    target = site / "_portal" / "kb.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"generated": "2026-06-01T00:00:00Z", "site_name": "Synthetic KB", "pages": pages}), encoding="utf-8")
    return target


def queries(pages: list[dict], count: int, seed: int = 11) -> list[Query]:
    """``count`` queries, each three consecutive content words of a random article's prose."""
    rng = random.Random(seed)
    stop = set(STOPWORDS)
    out = []
    while len(out) < count:
        page = rng.choice(pages)
        text = LINK_TARGET.sub("]", FENCE.sub("", page["text"]))
        prose = [line for line in text.splitlines() if line and not line.startswith(("#", "|", "-", "$"))]
        words = [w for w in PROSE_WORD.findall(" ".join(prose).lower()) if w not in stop]
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 2)
        out.append(Query(" ".join(words[start:start + 3]), page["id"]))
    return out

"""The site's search box: Material's lunr index, tuned for how readers ask.

Three parts, all on the built site:

- ``tune`` adds to Material's ``search/search_index.json`` each page's glossary keywords (a
  ``keywords`` field, boosted, not shown in results) and the settings the portal's worker reads
  (``config.portal``: extra stop words, the reference scope);
- the theme's ``assets/javascripts/workers/portal-search.js`` wraps Material's own search worker
  and tunes each query (stop words out, stemmed as the index, codes kept whole, reader scope);
- ``use_portal_worker`` points each page's ``__config`` at that wrapper.

The stemmer, stop words and the separator that keeps codes such as ``TQ-201`` whole are the search
plugin's own ``pipeline`` and ``separator`` options (``mkdocs.yml``; see ``SEPARATOR``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SEPARATOR = r"""[\s,;:!?=()\[\]{}"/|<>]+|-(?![A-Za-z]{0,3}-?\d)|\.(?!\d)"""
"""Splits words at white space, punctuation and hyphens, but not the hyphens of codes (TQ-201, E-WO-409, L2-S04)."""
PIPELINE = ["stemmer", "stopWordFilter", "trimmer"]
KEYWORDS_BOOST = 5.0
"""A quarter of the title's boost (20 in mkdocs.yml): measured best of 5, 10, 30 against titles of 5 to 1,000."""
REFERENCE_PREFIXES = ["reference/"]
STOPWORDS = sorted("""won't wont can't cant don't dont doesn't doesnt isn't isnt aren't didn't i'm im i've it's its
there's what's please hi hello thanks anyone somebody someone""".split())
"""Words left out of queries besides lunr's English stop words: contractions and greetings."""
INDEX_FILE = "search/search_index.json"
WORKER = re.compile(r'("search":\s*"[^"]*workers/)(search\.[0-9a-f]+\.min\.js)"')


def read_index(site_dir: Path) -> dict[str, Any] | None:
    """The built site's ``search/search_index.json``; None when it has none."""
    path = site_dir / INDEX_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def search_plugin(plugins: Iterable[Any]) -> Any | None:
    """Material's search plugin among ``plugins`` (the one holding a ``search_index`` of entries); None without it."""
    for plugin in plugins:
        held = getattr(plugin, "search_index", None)
        if isinstance(getattr(held, "entries", None), list) and isinstance(getattr(held, "config", None), dict):
            return plugin
    return None


def held_index(plugin: Any) -> dict[str, Any]:
    """The index ``plugin`` (Material's search) writes, from its memory: its entries, and a copy of the config it writes."""
    held = plugin.search_index
    # the keys Material's ``SearchIndex.generate_search_index`` writes as the file's config
    config = copy.deepcopy({key: held.config[key] for key in ("lang", "separator", "pipeline", "fields")})
    return {"config": config, "docs": held.entries}


def write_index(site_dir: Path, index: dict[str, Any]) -> None:
    """Write ``index`` as the site's ``search/search_index.json`` (as Material writes it), one page entry at a time.

    One ``json.dumps`` of a 10,000-page index held its ~47 MB of text twice more, as the string and its
    encoding: the build's peak memory (docs/performance.md).
    """
    path = site_dir / INDEX_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"config":' + _json(index["config"]) + ',"docs":[')
        for number, doc in enumerate(index["docs"]):
            out.write(("," if number else "") + _json(doc))
        out.write("]}")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)  # default=str: as Material writes its index


def tune(index: dict[str, Any], keywords: dict[str, list[str]], api: str = "", ticket: str = "") -> None:
    """Add glossary keywords and the worker's settings to Material's search index (in place).

    ``api`` is the support backend's API base (the worker asks ``<api>/search`` when it answers on the
    site's own origin), ``ticket`` the ticket form the box offers when the backend finds no good match.
    """
    for doc in index["docs"]:
        words = keywords.get(doc["location"])
        if words:
            doc["keywords"] = " ".join(words)
    index["config"].setdefault("fields", {})["keywords"] = {"boost": KEYWORDS_BOOST}
    index["config"]["portal"] = {"stopwords": STOPWORDS, "reference": REFERENCE_PREFIXES, "api": api, "ticket": ticket}


def use_portal_worker(html: str) -> str:
    """A page's HTML with its ``__config`` naming the portal's search worker (which loads Material's)."""
    return WORKER.sub(r'\1portal-search.js?material=\2"', html, count=1)

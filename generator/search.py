"""The site's search box: Material's lunr index, tuned for how readers ask.

Three parts, all on the built site:

- ``tune_index`` adds to Material's ``search/search_index.json`` each page's glossary keywords (a
  ``keywords`` field, boosted, not shown in results) and the settings the portal's worker reads
  (``config.portal``: extra stop words, the reference scope);
- the theme's ``assets/javascripts/workers/portal-search.js`` wraps Material's own search worker
  and tunes each query (stop words out, stemmed as the index, codes kept whole, reader scope);
- ``use_portal_worker`` points each page's ``__config`` at that wrapper.

The stemmer, stop words and the separator that keeps codes such as ``TQ-201`` whole are the search
plugin's own ``pipeline`` and ``separator`` options (``mkdocs.yml``; see ``SEPARATOR``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SEPARATOR = r"""[\s,;:!?=()\[\]{}"/|<>]+|-(?![A-Za-z]{0,3}-?\d)|\.(?!\d)"""
"""Splits words at white space, punctuation and hyphens, but not the hyphens of codes (TQ-201, E-WO-409, L2-S04)."""
PIPELINE = ["stemmer", "stopWordFilter", "trimmer"]
KEYWORDS_BOOST = 5.0
"""A quarter of the title's boost (20 in mkdocs.yml): measured best of 5, 10, 30 against titles of 5 to 1,000."""
REFERENCE_PREFIXES = ["reference/"]
STOPWORDS = sorted("""won't wont can't cant don't dont doesn't doesnt isn't isnt aren't didn't i'm im i've it's its
there's what's please hi hello thanks anyone somebody someone""".split())
"""Words left out of queries besides lunr's English stop words: contractions and greetings."""
WORKER = re.compile(r'("search":\s*"[^"]*workers/)(search\.[0-9a-f]+\.min\.js)"')


def tune_index(site_dir: Path, keywords: dict[str, list[str]], api: str = "", ticket: str = "") -> bool:
    """Add glossary keywords and the worker's settings to the built search index; False when there is none.

    ``api`` is the support backend's API base (the worker asks ``<api>/search`` when it answers on the
    site's own origin), ``ticket`` the ticket form the box offers when the backend finds no good match.
    """
    path = site_dir / "search" / "search_index.json"
    if not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        words = keywords.get(doc["location"])
        if words:
            doc["keywords"] = " ".join(words)
    index["config"].setdefault("fields", {})["keywords"] = {"boost": KEYWORDS_BOOST}
    index["config"]["portal"] = {"stopwords": STOPWORDS, "reference": REFERENCE_PREFIXES, "api": api, "ticket": ticket}
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    return True


def use_portal_worker(html: str) -> str:
    """A page's HTML with its ``__config`` naming the portal's search worker (which loads Material's)."""
    return WORKER.sub(r'\1portal-search.js?material=\2"', html, count=1)

"""The static search index for large sites: Pagefind, built from Material's own index of the site.

Material's lunr index is one file downloaded whole on a reader's first search: about 1 MB gzipped
per 1,000 pages. Pagefind splits its index into chunks a query fetches a few of (about 200 kB for
one query on 10,000 pages). ``write_pagefind`` reads the built ``search/search_index.json`` (the
tuned one: glossary keywords included), writes one Pagefind bundle of the reader pages to
``pagefind/`` and one of the references to ``pagefind-api/`` (the ``api:`` scope), and leaves
Material's file with its config only, which the portal's search worker reads to find the bundles.
"""

from __future__ import annotations

import asyncio
import html
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PAGEFIND_ABOVE_PAGES = 300
"""``search_index: auto`` uses Pagefind above this many pages: there Material's index passes 300 kB gzipped."""
KEYWORDS_WEIGHT = 5.0
BUNDLES = {"reader": "pagefind", "reference": "pagefind-api"}


def wanted(choice: str, pages: int) -> bool:
    """Whether the site's static search is Pagefind: ``pagefind``, or ``auto`` above ``PAGEFIND_ABOVE_PAGES`` pages."""
    return choice == "pagefind" or (choice == "auto" and pages > PAGEFIND_ABOVE_PAGES)


def page_records(index: dict[str, Any], reference_prefixes: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Each page of Material's index as (URL path, HTML for Pagefind), sections joined, by scope."""
    pages: dict[str, dict[str, Any]] = {}
    for doc in index.get("docs", []):
        location = doc["location"].split("#", 1)[0]
        page = pages.setdefault(location, {"title": "", "parts": [], "keywords": ""})
        if "#" in doc["location"]:
            page["parts"].append(f"<h2>{doc['title']}</h2>{doc.get('text', '')}")
        else:
            page["title"], page["keywords"] = doc["title"], doc.get("keywords", "")
            page["parts"].insert(0, doc.get("text", ""))
    scoped: dict[str, list[tuple[str, str]]] = {"reader": [], "reference": []}
    for location, page in pages.items():
        scope = "reference" if any(location.startswith(p) for p in reference_prefixes) else "reader"
        keywords = f'<p data-pagefind-weight="{KEYWORDS_WEIGHT}">{html.escape(page["keywords"])}</p>' if page["keywords"] else ""
        body = (f'<html lang="en"><head><title>{page["title"]}</title></head><body>'
                f'<h1 data-pagefind-meta="title">{page["title"]}</h1>{keywords}{"".join(page["parts"])}</body></html>')
        scoped[scope].append(("/" + location, body))
    return scoped


def write_pagefind(site_dir: Path, choice: str = "pagefind") -> int:
    """Pagefind bundles of the built site's pages (reader, reference) when ``choice`` wants them (see ``wanted``);
    Material's index then keeps its config only.

    Returns how many pages were indexed; 0 when Material's index stays (or the site has none).
    """
    path = site_dir / "search" / "search_index.json"
    if choice == "lunr" or not path.is_file():
        return 0
    index = json.loads(path.read_text(encoding="utf-8"))
    portal = index["config"].setdefault("portal", {})
    scoped = page_records(index, portal.get("reference", []))
    if not wanted(choice, sum(len(records) for records in scoped.values())):
        return 0
    with ThreadPoolExecutor(1) as thread:  # its own event loop, whether or not the caller runs one
        thread.submit(asyncio.run, _write_bundles(site_dir, scoped)).result()
    portal["pagefind"] = {scope: f"{folder}/" for scope, folder in BUNDLES.items()}
    path.write_text(json.dumps({"config": index["config"], "docs": []}, separators=(",", ":")), encoding="utf-8")
    return sum(len(records) for records in scoped.values())


async def _write_bundles(site_dir: Path, scoped: dict[str, list[tuple[str, str]]]) -> None:
    from pagefind.index import PagefindIndex  # an optional dependency: only sites that use it need it

    for scope, folder in BUNDLES.items():
        config = {"output_path": str(site_dir / folder), "force_language": "en"}
        async with PagefindIndex(config=config) as pagefind:
            for url, body in scoped[scope]:
                await pagefind.add_html_file(content=body, url=url)

"""The static search index for large sites: Pagefind, built from Material's own index of the site.

Material's lunr index is one file downloaded whole on a reader's first search: about 1 MB gzipped
per 1,000 pages. Pagefind splits its index into chunks a query fetches a few of (about 200 kB for
one query on 10,000 pages). ``write_pagefind`` takes Material's index of the built site (the
tuned one: glossary keywords included), writes one Pagefind bundle of the reader pages to
``pagefind/`` and one of the references to ``pagefind-api/`` (the ``api:`` scope), and leaves
Material's file with its config only, which the portal's search worker reads to find the bundles.
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .search import write_index

PAGEFIND_ABOVE_PAGES = 300
"""``search_index: auto`` uses Pagefind above this many pages: there Material's index passes 300 kB gzipped."""
KEYWORDS_WEIGHT = 5.0
BUNDLES = {"reader": "pagefind", "reference": "pagefind-api"}
LUNR_STOPWORDS = """a able about across after all almost also am among an and any are as at be because been but by can
cannot could dear did do does either else ever every for from get got had has have he her hers him his how however i if in
into is it its just least let like likely may me might most must my neither no nor not of off often on only or other our own
rather said say says she should since so some than that the their them then there these they this tis to too twas us wants
was we were what when where which while who whom why will with would yet you your""".split()
"""lunr's English stop words (lunr.stopWordFilter): the worker of a Pagefind site leaves them out without loading lunr."""


def wanted(choice: str, pages: int) -> bool:
    """Whether the site's static search is Pagefind: ``pagefind``, or ``auto`` above ``PAGEFIND_ABOVE_PAGES`` pages."""
    return choice == "pagefind" or (choice == "auto" and pages > PAGEFIND_ABOVE_PAGES)


def page_records(index: dict[str, Any], reference_prefixes: list[str]) -> dict[str, list[tuple[str, Page]]]:
    """Each page of Material's index as (URL path, its parts), sections joined, by scope; ``page_html`` writes one.

    The parts are the index's own strings: a page's HTML is made only as its file is written, so a large
    site's text is not held twice (the build's peak memory at 10,000 pages).
    """
    pages: dict[str, Page] = {}
    for doc in index.get("docs", []):
        location = doc["location"].split("#", 1)[0]
        page = pages.setdefault(location, Page())
        if "#" in doc["location"]:
            page.sections.append((doc["title"], doc.get("text", "")))
        else:
            page.title, page.keywords, page.text = doc["title"], doc.get("keywords", ""), doc.get("text", "")
    scoped: dict[str, list[tuple[str, Page]]] = {"reader": [], "reference": []}
    for location, page in pages.items():
        scope = "reference" if any(location.startswith(p) for p in reference_prefixes) else "reader"
        scoped[scope].append(("/" + location, page))
    return scoped


@dataclass
class Page:
    """One page of the site as Pagefind indexes it: title, glossary keywords, text and (heading, text) sections."""

    title: str = ""
    keywords: str = ""
    text: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)


def page_html(page: Page) -> str:
    """The HTML file Pagefind reads for ``page``: the title as its metadata, the keywords weighted, then the text."""
    keywords = f'<p data-pagefind-weight="{KEYWORDS_WEIGHT}">{html.escape(page.keywords)}</p>' if page.keywords else ""
    sections = "".join(f"<h2>{title}</h2>{text}" for title, text in page.sections)
    return (f'<html lang="en"><head><title>{page.title}</title></head><body>'
            f'<h1 data-pagefind-meta="title">{page.title}</h1>{keywords}{page.text}{sections}</body></html>')


def write_pagefind(site_dir: Path, index: dict[str, Any], choice: str = "pagefind") -> int:
    """Pagefind bundles of ``index`` (Material's, of the site in ``site_dir``) when ``choice`` wants them (see
    ``wanted``); Material's index file is then written with its config only.

    Returns how many pages were indexed; 0 when Material's index stays (nothing is written then).
    """
    if choice == "lunr":
        return 0
    portal = index["config"].setdefault("portal", {})
    scoped = page_records(index, portal.get("reference", []))
    if not wanted(choice, sum(len(records) for records in scoped.values())):
        return 0
    written = {scope: folder for scope, folder in BUNDLES.items() if scoped[scope]}  # Pagefind refuses an empty site
    for scope, folder in written.items():
        _write_bundle(site_dir / folder, scoped[scope])
    portal["pagefind"] = {scope: f"{folder}/" for scope, folder in written.items()}
    portal["stopwords"] = sorted(set(portal.get("stopwords", [])) | set(LUNR_STOPWORDS))
    write_index(site_dir, {"config": index["config"], "docs": []})
    return sum(len(records) for records in scoped.values())


class PagefindError(RuntimeError):
    """Pagefind's indexer failed; the message carries its own output."""


def _write_bundle(out: Path, records: list[tuple[str, Page]]) -> None:
    """One bundle: the records written as HTML files into a scratch folder, indexed by Pagefind's CLI in one run.

    Its Python API took ~100 s per 1,000 pages here (one round trip per page); the CLI over files ~1 s.
    """
    from pagefind.service import _must_get_executable  # an optional dependency: only sites that use it need it

    with tempfile.TemporaryDirectory(prefix="portal-pagefind-") as scratch:
        for url, page in records:
            relative = url.lstrip("/")
            target = Path(scratch, relative + "index.html" if relative == "" or relative.endswith("/") else relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_html(page), encoding="utf-8")
        command = [str(_must_get_executable()), "--site", scratch, "--output-path", str(out), "--force-language", "en", "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PagefindError(f"pagefind failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")

"""The static index of large sites: Pagefind bundles (reader, reference) written from Material's index of the site."""

from __future__ import annotations

import json
from pathlib import Path

from generator.pagefind_index import PAGEFIND_ABOVE_PAGES, page_html, page_records, wanted, write_pagefind
from generator.search import read_index

INDEX = {
    "config": {"lang": ["en"], "portal": {"reference": ["reference/"], "api": "/api"}},
    "docs": [
        {"location": "articles/scanner/", "title": "Barcode scanner not reading", "text": "<p>Clean the window.</p>",
         "keywords": "scanner gun BC-301"},
        {"location": "articles/scanner/#steps", "title": "Steps", "text": "<p>Scan the test label.</p>"},
        {"location": "reference/python/alarms/", "title": "alarms", "text": "<p>acknowledge(alarm_id)</p>"},
    ],
}


def test_auto_uses_pagefind_only_above_the_page_threshold() -> None:
    """``auto`` keeps Material's index for a small site; ``pagefind`` and ``lunr`` are taken as said."""
    assert not wanted("auto", PAGEFIND_ABOVE_PAGES) and wanted("auto", PAGEFIND_ABOVE_PAGES + 1)
    assert wanted("pagefind", 1) and not wanted("lunr", 10**6)


def test_a_page_and_its_sections_become_one_record_in_its_scope_with_the_glossary_keywords() -> None:
    """Sections join their page; reference pages go to the reference scope; keywords are weighted text."""
    scoped = page_records(INDEX, ["reference/"])
    (url, page), = scoped["reader"]
    body = page_html(page)
    assert url == "/articles/scanner/" and "Scan the test label." in body and "Clean the window." in body
    assert 'data-pagefind-weight="5.0">scanner gun BC-301</p>' in body
    assert [u for u, _ in scoped["reference"]] == ["/reference/python/alarms/"]


def test_write_pagefind_writes_both_bundles_and_leaves_materials_index_its_config(tmp_path: Path) -> None:
    """The bundles hold one page each; Material's file keeps the config, with the bundles named, and no documents."""
    (tmp_path / "search").mkdir()
    assert write_pagefind(tmp_path, json.loads(json.dumps(INDEX)), "pagefind") == 2
    for folder in ("pagefind", "pagefind-api"):
        entry = json.loads((tmp_path / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert [lang["page_count"] for lang in entry["languages"].values()] == [1]
        assert (tmp_path / folder / "pagefind.js").is_file()
    left = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert left["docs"] == [] and left["config"]["portal"]["pagefind"] == {"reader": "pagefind/", "reference": "pagefind-api/"}
    assert write_pagefind(tmp_path, json.loads(json.dumps(INDEX)), "lunr") == 0
    assert read_index(tmp_path) == left  # Material's index stays as it is: the caller writes it


def test_the_config_carries_lunrs_stop_words_beside_the_portals_so_the_worker_needs_no_lunr(tmp_path: Path) -> None:
    """A Pagefind site's worker does not load Material's (lunr): the stop words it leaves out come with the config."""
    (tmp_path / "search").mkdir()
    index = json.loads(json.dumps(INDEX))
    index["config"]["portal"]["stopwords"] = ["won't", "hello"]
    write_pagefind(tmp_path, index, "pagefind")
    stopwords = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["portal"]["stopwords"]
    assert {"won't", "hello", "the", "my", "is", "your"} <= set(stopwords) and "scanner" not in stopwords
    assert stopwords == sorted(set(stopwords))


def test_a_site_without_reference_pages_gets_the_reader_bundle_only(tmp_path: Path) -> None:
    """Pagefind refuses to index nothing, so an empty scope has no bundle and the config names none for it."""
    (tmp_path / "search").mkdir()
    index = {"config": INDEX["config"], "docs": INDEX["docs"][:2]}
    assert write_pagefind(tmp_path, index, "pagefind") == 1
    assert not (tmp_path / "pagefind-api").exists()
    left = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert left["config"]["portal"]["pagefind"] == {"reader": "pagefind/"}

"""A real build of the scaffold with its glossary: the Glossary page, the exports, and the tuned site search.

Searches run through the built site's own search worker (Material's, wrapped by the portal's),
in node, as the browser runs it (``bench/search_worker.js``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.search_quality import site_search




@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, make_portal, run_portal) -> Path:  # type: ignore[no-untyped-def]
    """The scaffold (which has a one-term glossary) built once for the module."""
    portal = make_portal(tmp_path_factory.mktemp("glossary") / "portal")
    out = portal / "site"
    result = run_portal("build", portal, "--strict", "--site-dir", out)
    assert result.exit_code == 0, result.output
    return out


def test_glossary_page_has_an_anchor_per_term_and_links_the_pages_it_names(site: Path) -> None:
    """Each term is a heading with its own anchor, its other names as a definition list, and links to its pages."""
    page = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="service">Service', page)
    assert re.search(r"<dt>Also called</dt>\s*<dd>application, app</dd>", page)
    assert re.search(r"<dt>On the shop floor</dt>\s*<dd>the system</dd>", page)
    assert 'href="../articles/getting-started/"' in page and 'href="../runbooks/restart-service/"' in page


def test_glossary_is_in_the_nav_and_its_source_is_not_published(site: Path) -> None:
    """Every page links the Glossary in its nav; ``content/glossary.yml`` itself is not copied into the site."""
    assert 'href="glossary/"' in (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "glossary.yml").exists()


def test_glossary_is_exported_for_the_backend(site: Path) -> None:
    """``_portal/glossary.json`` has each term with its names and URL; ``kb.json`` gives each page its keywords."""
    terms = json.loads((site / "_portal" / "glossary.json").read_text(encoding="utf-8"))["terms"]
    assert terms[0] | {"definition": "-"} == {
        "id": "service", "term": "Service", "definition": "-", "synonyms": ["application", "app"], "shop_floor": ["the system"],
        "codes": [], "articles": ["getting-started"], "runbooks": ["restart-service"], "see_also": [], "url": "glossary/#service"}
    pages = {p["id"]: p for p in json.loads((site / "_portal" / "kb.json").read_text(encoding="utf-8"))["pages"]}
    assert pages["getting-started"]["keywords"] == pages["restart-service"]["keywords"] == ["Service", "application", "app", "the system"]


def test_pages_load_the_portal_search_worker(site: Path) -> None:
    """Every page's ``__config`` names the portal's worker, which is in the site beside Material's."""
    worker = re.search(r'"search":\s*"([^"]+)"', (site / "runbooks" / "restart-service" / "index.html").read_text()).group(1)  # type: ignore[union-attr]
    assert re.fullmatch(r"\.\./\.\./assets/javascripts/workers/portal-search\.js\?material=search\.[0-9a-f]+\.min\.js", worker)
    material = worker.split("material=")[1]
    assert (site / "assets/javascripts/workers" / material).is_file()
    assert (site / "assets/javascripts/workers/portal-search.js").is_file()


def test_a_glossary_synonym_finds_the_pages_the_term_names(site: Path) -> None:
    """"app" is in no page's text, only in the glossary: search finds the article and runbook the term names."""
    (found,) = site_search(site, ["the app"])
    assert {"articles/getting-started/", "runbooks/restart-service/"} <= set(found[:3])


def test_reader_search_leaves_references_out_and_api_prefix_searches_only_them(site: Path) -> None:
    """The OpenAPI reference is not in a plain search; ``api:`` before the words searches only the references."""
    reader, reference = site_search(site, ["service items", "api: service items"])
    assert reader and not [loc for loc in reader if loc.startswith("reference/")]
    assert reference and all(loc.startswith("reference/") for loc in reference)


def test_stop_words_alone_do_not_match_every_page(site: Path) -> None:
    """A question's function words are left out: "how do I" no longer matches pages by the prefixes "how", "do", "i"."""
    with_words, plain = site_search(site, ["how do I restart the service", "restart service"])
    assert with_words == plain


def test_a_pagefind_site_gets_its_bundles_and_materials_file_keeps_the_tuned_config_only(
        tmp_path: Path, make_portal, run_portal, site: Path) -> None:  # type: ignore[no-untyped-def]
    """``search_index: pagefind``: the bundles are written from the search plugin's entries before it writes its file,
    and that file keeps the config (the keywords field, the portal's settings, the bundles) and no page."""
    portal = make_portal(tmp_path / "portal")
    config = portal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      support_url: /support\n",
                                                                 "      support_url: /support\n      search_index: pagefind\n"))
    result = run_portal("build", portal, "--strict", "--site-dir", portal / "site")
    assert result.exit_code == 0, result.output
    out = portal / "site"
    left = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    lunr = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert left["docs"] == [] and left["config"]["fields"] == lunr["config"]["fields"]
    assert left["config"]["fields"]["keywords"] == {"boost": 5.0}
    assert left["config"]["portal"]["pagefind"] == {"reader": "pagefind/", "reference": "pagefind-api/"}
    assert left["config"]["portal"]["api"] == lunr["config"]["portal"]["api"] and "the" in left["config"]["portal"]["stopwords"]
    pages = {doc["location"].split("#")[0] for doc in lunr["docs"]}
    counted = sum(lang["page_count"] for folder in ("pagefind", "pagefind-api")
                  for lang in json.loads((out / folder / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].values())
    assert counted == len(pages)

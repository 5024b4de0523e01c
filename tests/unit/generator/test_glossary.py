"""The glossary model and the search index tuning, without a build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from generator.models import Glossary, GlossaryTerm
from generator.search import SEPARATOR, STOPWORDS, held_index, search_plugin, tune, use_portal_worker, write_index


def test_term_anchor_defaults_to_the_term_as_a_slug() -> None:
    """``Lockout/tagout`` gets the anchor ``lockout-tagout``; an explicit id wins."""
    assert GlossaryTerm(term="Lockout/tagout", definition="x").anchor == "lockout-tagout"
    assert GlossaryTerm(term="Barcode scanner", id="label-scanner", definition="x").anchor == "label-scanner"


def test_term_words_are_the_term_its_synonyms_shop_floor_words_and_codes() -> None:
    """Every name of a term is what search adds to the pages it names."""
    term = GlossaryTerm(term="Nutrunner", definition="x", synonyms=["spindle"], shop_floor=["torque gun"], codes=["TQ-201"])
    assert term.words == ["Nutrunner", "spindle", "torque gun", "TQ-201"]


def test_glossary_needs_terms_and_forbids_unknown_fields() -> None:
    """An empty glossary and a misspelt field are refused."""
    with pytest.raises(ValidationError):
        Glossary(terms=[])
    with pytest.raises(ValidationError, match="synonims"):
        Glossary.model_validate({"terms": [{"term": "A", "definition": "b", "synonims": ["c"]}]})


@pytest.mark.parametrize(("text", "tokens"), [
    ("TQ-201 torque out of window", ["TQ-201", "torque", "out", "of", "window"]),
    ("error E-WO-409 on L2-S04", ["error", "E-WO-409", "on", "L2-S04"]),
    ("start-of-shift lockout/tagout", ["start", "of", "shift", "lockout", "tagout"]),
    ("linectl.example.internal, v1.5", ["linectl", "example", "internal", "v1.5"]),
])
def test_separator_keeps_codes_whole_and_splits_words(text: str, tokens: list[str]) -> None:
    """The search separator splits at hyphens between words, never inside a code."""
    assert [t for t in re.split(SEPARATOR, text) if t] == tokens


def test_pages_are_pointed_at_the_portal_worker() -> None:
    """The ``__config`` names ``portal-search.js`` with Material's worker as its parameter; nothing else changes."""
    html = '<script id="__config">{"base": "..", "search": "../assets/javascripts/workers/search.a7633da7.min.js"}</script>'
    assert use_portal_worker(html) == ('<script id="__config">{"base": "..", "search": '
                                       '"../assets/javascripts/workers/portal-search.js?material=search.a7633da7.min.js"}</script>')


def test_tune_adds_keywords_and_the_worker_settings() -> None:
    """The page's own entry (not its sections) gets the keywords; the config gets the field, the scope, the backend's API
    base (the worker's probe) and the ticket form ("no good match")."""
    docs = [{"location": "articles/a/", "title": "A", "text": ""}, {"location": "articles/a/#s", "title": "S", "text": ""}]
    tuned = {"config": {"fields": {"title": {"boost": 20}}}, "docs": docs}
    tune(tuned, {"articles/a/": ["scanner gun", "BC-301"]}, "/api", "/support/tickets/new")
    assert [d.get("keywords") for d in tuned["docs"]] == ["scanner gun BC-301", None]
    assert tuned["config"]["fields"]["keywords"] == {"boost": 5.0}
    assert tuned["config"]["portal"] == {"stopwords": STOPWORDS, "reference": ["reference/"], "api": "/api",
                                         "ticket": "/support/tickets/new"}


def test_the_index_is_the_one_the_search_plugin_holds_with_a_copy_of_its_config() -> None:
    """The build takes the entries Material's search plugin holds (no second copy of the site's text), with the config
    its file has; a copy of that config, so tuning leaves the plugin's options as they were."""
    class SearchIndex:
        config = {"lang": ["en"], "separator": "[ ]", "pipeline": ["stemmer"], "fields": {"title": {"boost": 20}}, "other": 1}
        entries = [{"location": "a/", "title": "A", "text": ""}]

    class SearchPlugin:
        search_index = SearchIndex()

    plugin = SearchPlugin()
    assert search_plugin([object()]) is None and search_plugin([object(), plugin]) is plugin
    held = held_index(plugin)
    assert held["docs"] is SearchIndex.entries
    assert held["config"] == {"lang": ["en"], "separator": "[ ]", "pipeline": ["stemmer"], "fields": {"title": {"boost": 20}}}
    tune(held, {})
    assert "keywords" not in SearchIndex.config["fields"]


def test_write_index_writes_what_one_json_dumps_would(tmp_path: Path) -> None:
    """The index is written entry by entry (a large site's text is not held again as one string), and reads back the same."""
    import datetime as dt

    index = {"config": {"lang": ["en"], "fields": {"title": {"boost": 20}}},
             "docs": [{"location": "a/", "title": "Café \u2013 \"A\"", "text": "<p>x</p>", "date": dt.date(2026, 12, 3)},
                      {"location": "a/#s", "title": "S", "text": ""}]}
    write_index(tmp_path, index)
    written = (tmp_path / "search" / "search_index.json").read_text(encoding="utf-8")
    assert written == json.dumps(index, separators=(",", ":"), default=str)
    write_index(tmp_path, {"config": {}, "docs": []})
    assert json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8")) == {"config": {}, "docs": []}

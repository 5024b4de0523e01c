"""The site search box's backend: ``GET /api/search`` (reader scope), with spelling tolerance and "no good match"."""

from __future__ import annotations

from support_harness import Live


def test_site_search_answers_with_pages_the_words_to_highlight_and_a_good_match(live: Live) -> None:
    """A query in a reader's words gets the article first, escaped snippets with <mark>, and the stems to highlight."""
    body = live.client().get("/api/search", params={"q": "my badge is refused at the HMI"}).json()
    assert body["results"][0]["id"] == "hmi-login-problems"
    assert body["good_match"] is True and body["scope"] == "reader"
    assert "badg" in body["terms"] or "badge" in body["terms"]
    assert "<mark>" in body["results"][0]["snippet_html"]


def test_a_misspelt_word_the_index_does_not_know_is_read_as_its_nearest_word(live: Live) -> None:
    """"convayor jam": the index has no "convayor"; its nearest word "conveyor" finds the article."""
    body = live.client().get("/api/search", params={"q": "convayor jam"}).json()
    assert body["results"][0]["id"] == "clear-conveyor-jam"
    assert "conveyor" in body["terms"]


def test_no_good_match_when_the_portal_has_no_answer(live: Live) -> None:
    """A question the KB does not cover: ``good_match`` is false (the box offers the ticket form)."""
    body = live.client().get("/api/search", params={"q": "where is the canteen menu"}).json()
    assert body["good_match"] is False


def test_an_empty_query_answers_nothing_and_an_overlong_one_is_refused_naming_q(live: Live) -> None:
    """The box's probe (``q=``) gets an empty answer; more than 500 characters is a 422 naming the parameter."""
    client = live.client()
    assert client.get("/api/search", params={"q": ""}).json() == {"query": "", "scope": "reader", "good_match": False,
                                                               "terms": [], "results": []}
    refused = client.get("/api/search", params={"q": "x" * 501})
    assert refused.status_code == 422 and "q" in refused.text

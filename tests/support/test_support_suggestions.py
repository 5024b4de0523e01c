"""Article suggestions while typing, "this answered my question", and the impression records behind deflection."""

from __future__ import annotations

import json

from support_harness import Browser, Live, form_id_from

from support.tickets import service


def outcomes(live: Live, form_id: str) -> dict[str, str]:
    """Article id -> recorded outcome of every suggestion shown in one form."""
    rows = live.app.state.store.all("SELECT article_id, outcome FROM impressions WHERE form_id = ?", [form_id])
    return {r["article_id"]: r["outcome"] for r in rows}


def test_suggestions_rank_the_matching_article_first_with_highlights(live: Live) -> None:
    """The API returns at most five articles, best match first, with matched words in <mark>."""
    body = live.client().get("/api/suggestions", params={"q": "HMI refuses my badge login"}).json()
    assert body["suggestions"][0]["id"] == "hmi-login-problems"
    assert len(body["suggestions"]) <= 5
    assert "<mark>badge</mark>" in body["suggestions"][0]["snippet_html"]


def test_suggestion_snippets_escape_article_markup(live: Live) -> None:
    """Markup inside an article's text never reaches the snippet as HTML: tags are dropped, only <mark> is HTML."""
    hit = live.client().get("/api/suggestions", params={"q": "shelve safety alarms bold"}).json()["suggestions"][0]
    assert hit["id"] == "alarm-flood"
    assert "<b>" not in hit["snippet_html"] and "<mark>bold</mark>" in hit["snippet_html"]


def test_the_originating_page_is_not_suggested(live: Live) -> None:
    """``exclude`` drops the page the reader came from."""
    body = live.client().get("/api/suggestions", params={"q": "conveyor jam", "exclude": "clear-conveyor-jam"}).json()
    assert "clear-conveyor-jam" not in [s["id"] for s in body["suggestions"]]


def open_form(client: Browser) -> str:
    """Open the ticket form as a reader would; returns the form id the server gave it."""
    return form_id_from(client.get("/support/tickets/new").text)


def typed(client: Browser, form_id: str, q: str) -> list[dict]:
    """What the form's script does while the reader types: ask for suggestions, recorded as shown in the form."""
    response = client.api("POST", "/api/suggestions", {"q": q, "form_id": form_id})
    assert response.status_code == 200, response.text
    return response.json()["suggestions"]


def test_deflection_records_and_files_nothing(live: Live) -> None:
    """'This answered my question' marks that impression deflected, counts a deflection, and creates no ticket."""
    client = live.client()
    form_a = open_form(client)
    typed(client, form_a, "conveyor jam alarm")
    response = client.api("POST", "/api/deflections", {"article_id": "clear-conveyor-jam", "form_id": form_a})
    assert response.status_code == 201 and response.json()["recorded"] is True
    assert outcomes(live, form_a)["clear-conveyor-jam"] == "deflected"
    assert live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0
    assert live.app.state.store.one("SELECT count(*) AS n FROM deflections WHERE article_id = 'clear-conveyor-jam'")["n"] == 1


def test_filing_after_suggestions_marks_them_filed_anyway(live: Live) -> None:
    """Suggestions shown in a form that then filed a ticket are recorded as 'filed', a deflected one stays 'deflected'."""
    client = live.client()
    form_b = open_form(client)
    shown = typed(client, form_b, "conveyor jam alarm HMI")
    client.api("POST", "/api/deflections", {"article_id": shown[1]["id"], "form_id": form_b})
    live.file(form_id=form_b)
    recorded = outcomes(live, form_b)
    assert recorded[shown[1]["id"]] == "deflected"
    assert {recorded[s["id"]] for s in shown if s["id"] != shown[1]["id"]} == {"filed"}


def test_suggestions_without_action_stay_nothing(live: Live) -> None:
    """A form that showed suggestions and was abandoned keeps outcome 'none' and counts as 'nothing' in the report."""
    client = live.client()
    form_c = open_form(client)
    typed(client, form_c, "recipe changeover")
    assert set(outcomes(live, form_c).values()) == {"none"}


def test_reading_suggestions_writes_nothing(live: Live) -> None:
    """GET /api/suggestions only reads: 50 of them, with or without a form id, leave the reports as they were."""
    client = live.client()
    form_id = open_form(client)
    for n in range(50):
        assert client.get("/api/suggestions", params={"q": f"conveyor jam {n}", "form_id": form_id}).status_code == 200
    assert live.app.state.store.one("SELECT count(*) AS n FROM impressions")["n"] == 0


def test_only_forms_the_server_gave_out_record_suggestions(live: Live) -> None:
    """A made-up form id records nothing (the suggestions still come back), so ids cannot be invented to fill the reports."""
    client = live.client()
    for n in range(20):
        assert typed(client, f"made-up-{n}", "conveyor jam alarm")
    assert live.app.state.store.one("SELECT count(*) AS n FROM impressions")["n"] == 0


def test_a_deflection_counts_only_for_a_form_that_showed_the_article(live: Live) -> None:
    """50 deflections with no form, a made-up form, or a form that never showed the article count nothing; a real one counts once."""
    client = live.client()
    form_id = open_form(client)
    shown = [s["id"] for s in typed(client, form_id, "conveyor jam alarm")]
    never_shown = next(a for a in ("recipe-change", "hmi-login-problems", "alarm-flood") if a not in shown)
    for body in ([{"article_id": shown[0]}] * 20 + [{"article_id": shown[0], "form_id": "invented"}] * 20
                 + [{"article_id": never_shown, "form_id": form_id}] * 10):
        response = client.api("POST", "/api/deflections", body)
        assert response.status_code == 200 and response.json()["recorded"] is False
    assert client.api("POST", "/api/deflections", {"article_id": shown[0], "form_id": form_id}).status_code == 201
    again = client.api("POST", "/api/deflections", {"article_id": shown[0], "form_id": form_id})
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert live.app.state.store.one("SELECT count(*) AS n FROM deflections")["n"] == 1


def test_one_client_can_record_only_so_many_forms(live: Live) -> None:
    """Opening form after form from one address records suggestions for the first FORMS_PER_CLIENT_HOUR of them only."""
    client = live.client()
    forms = [open_form(client) for _ in range(service.FORMS_PER_CLIENT_HOUR + 5)]
    for form_id in forms:
        typed(client, form_id, "conveyor jam alarm")
    recorded = live.app.state.store.one("SELECT count(DISTINCT form_id) AS n FROM impressions")["n"]
    assert recorded == service.FORMS_PER_CLIENT_HOUR
    live.clock.advance(hours=1)
    typed(client, forms[-1], "conveyor jam alarm")
    assert live.app.state.store.one("SELECT count(DISTINCT form_id) AS n FROM impressions")["n"] == recorded + 1


def test_form_without_javascript_shows_suggestions_and_deflects(live: Live) -> None:
    """With JS off, 'Show suggested articles' and the per-article button work as plain form posts and keep the text."""
    client = live.client()
    form_id = form_id_from(client.get("/support/tickets/new").text)
    text = {"subject": "Cannot log in to the HMI", "description": "My badge is refused at the HMI since this morning.",
            "requester_email": "olga@example.com", "form_id": form_id}
    shown = client.form("/support/tickets/new", {**text, "action": "suggest"})
    assert 'value="hmi-login-problems"' in shown.text and "My badge is refused" in shown.text
    answered = client.form("/support/tickets/new", {**text, "deflect": "hmi-login-problems"})
    assert answered.status_code == 200 and "Nothing was filed" in answered.text and "My badge is refused" in answered.text
    assert outcomes(live, form_id)["hmi-login-problems"] == "deflected"
    assert live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 0


def test_deflection_of_unknown_article_is_404(live: Live) -> None:
    """A deflection for an id that is not in the KB is refused with 404 and a JSON detail."""
    response = live.client().api("POST", "/api/deflections", {"article_id": "no-such-article"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Article no-such-article not found"}


def test_changed_kb_export_is_reindexed_and_admin_can_rebuild(live: Live) -> None:
    """A new kb.json is picked up by the next search (content hash changed); the admin endpoint rebuilds on demand."""
    kb_file = live.site_dir / "_portal" / "kb.json"
    export = json.loads(kb_file.read_text())
    export["pages"].append({"id": "torque-wrench-calibration", "type": "article", "title": "Calibrate the torque wrench",
                            "url": "articles/maintenance/torque/", "tags": ["torque"], "summary": "Yearly calibration.",
                            "text": "Send the torque wrench to the lab every year."})
    kb_file.write_text(json.dumps(export))
    client = live.client()
    assert client.get("/api/suggestions", params={"q": "torque wrench"}).json()["suggestions"][0]["id"] == "torque-wrench-calibration"
    live.add_user("ada@example.com", "admin")
    client.login("ada@example.com")
    assert client.api("POST", "/api/admin/kb/rebuild").json() == {"pages": 7}


def test_kb_export_is_looked_at_no_more_than_once_per_check_interval(tmp_path, monkeypatch) -> None:
    """With ``source_check_seconds``, a changed kb.json is picked up at the first search after the interval, not before."""
    import time

    from support.kb.search import KnowledgeBase
    from support_harness import make_site

    kb_file = make_site(tmp_path) / "_portal" / "kb.json"
    kb = KnowledgeBase(kb_file, tmp_path / "kb-index", check_seconds=30)
    assert kb.search("torque wrench", 5) == []
    export = json.loads(kb_file.read_text())
    export["pages"].append({"id": "torque-wrench-calibration", "type": "article", "title": "Calibrate the torque wrench",
                            "url": "articles/maintenance/torque/", "tags": ["torque"], "summary": "Yearly calibration.",
                            "text": "Send the torque wrench to the lab every year."})
    kb_file.write_text(json.dumps(export))
    assert kb.search("torque wrench", 5) == []  # within the interval: the file is not looked at
    later = time.monotonic() + 31
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert [hit.id for hit in kb.search("torque wrench", 5)][:1] == ["torque-wrench-calibration"]
    kb.close()


def test_neighbouring_query_words_outrank_scattered_ones(tmp_path) -> None:
    """A page with the query's words side by side comes first, before one that only has them scattered, even in its title."""
    from support.kb.search import KnowledgeBase

    pages = [
        {"id": "scanner-and-cable-faq", "title": "Scanner questions, cable questions", "url": "a/", "tags": ["scanner", "cable"],
         "summary": "Scanner FAQ.", "text": "The scanner has a menu. Order a spare cable from stores. Scanner batteries last a shift."},
        {"id": "replace-scanner-cable", "title": "When the reader stops", "url": "b/", "tags": [],
         "summary": "A frayed lead.", "text": "Replace the scanner cable when the reader drops out at station S04."},
    ]
    kb_file = tmp_path / "kb.json"
    kb_file.write_text(json.dumps({"pages": pages}))
    kb = KnowledgeBase(kb_file, tmp_path / "kb-index")
    hits = kb.search("scanner cable keeps dropping", 5)
    assert [h.id for h in hits] == ["replace-scanner-cable", "scanner-and-cable-faq"]
    assert "Replace the <mark>scanner</mark> <mark>cable</mark> when" in hits[0].snippet_html
    kb.close()


def test_example_portal_questions_find_the_article_written_for_them(tmp_path) -> None:
    """Over the example portal's KB, typical questions put the article that answers them first, FAQs after it."""
    from assessments_harness import built_site

    from support.kb.search import KnowledgeBase

    kb = KnowledgeBase(built_site() / "_portal" / "kb.json", tmp_path / "kb-index")
    first = {q: [h.id for h in kb.search(q, 5)][:1] for q in ("barcode scanner not reading labels", "torque sensor replacement")}
    assert first == {"barcode scanner not reading labels": ["troubleshooting-barcode-scanner-not-reading"],
                     "torque sensor replacement": ["replacing-a-torque-sensor"]}
    snippet = kb.search("barcode scanner not reading labels", 1)[0].snippet_html
    assert "<mark>" in snippet and "<mark>not</mark>" not in snippet  # function words are not highlighted
    kb.close()


def test_rare_terms_are_kept_in_the_term_table_and_rank_as_before(tmp_path) -> None:
    """Terms of at most four articles are inlined in the term table; the ranking equals whoosh's default codec."""
    from whoosh import index, scoring
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.query import Or, Term

    from support.kb import search

    pages = [{"id": f"press-{i}", "title": f"Press {i} hydraulics", "url": f"p{i}/", "tags": ["press"], "summary": "",
              "text": f"Bleed the hydraulic circuit of press {i}." + (" The gauge reads zero after a purge." if i < 3 else "")}
             for i in range(8)]
    search.build_index(tmp_path / "inlined", pages)
    plain = index.create_in(str(tmp_path), search.make_schema(), indexname="plain")
    with plain.writer(codec=W3Codec()) as writer:
        for page in pages:
            text = page["text"]
            writer.add_document(id=page["id"], title=page["title"], url=page["url"], tags="press", text=text, pairs=f"{page['title']}\n{text}")
    inlined = index.open_dir(str(tmp_path / "inlined"))
    with inlined.reader() as reader:
        assert reader.term_info("text", "gaug").is_inlined()  # in three articles
        assert not reader.term_info("text", "hydraulic").is_inlined()  # in all eight
    with inlined.searcher(weighting=scoring.BM25F()) as a, plain.searcher(weighting=scoring.BM25F()) as b:
        terms = Or([Term(f, t) for f in ("text", "title") for t in ("gaug", "read", "zero", "hydraulic")])
        ranked = [[(hit["id"], round(hit.score, 6)) for hit in s.search(terms, limit=8)] for s in (a, b)]
    assert ranked[0] == ranked[1] and [i for i, _ in ranked[0][:3]] == ["press-0", "press-1", "press-2"]


def test_a_query_of_only_common_words_still_finds_the_page_with_them_side_by_side(tmp_path) -> None:
    """When every typed word is in most articles, the page with the words next to each other still comes first."""
    from support.kb.search import KnowledgeBase

    pages = [{"id": f"line-{i}", "title": f"Line {i}", "url": f"l{i}/", "tags": [], "summary": "",
              "text": f"The line {i} has a valve. Each shift checks the pump. Operators log the pressure."} for i in range(150)]
    pages.append({"id": "pump-valve-pressure", "title": "Shift notes", "url": "n/", "tags": [], "summary": "",
                  "text": "Check the pump valve pressure at shift start; the line stops when it drops."})
    kb_file = tmp_path / "kb.json"
    kb_file.write_text(json.dumps({"pages": pages}))
    kb = KnowledgeBase(kb_file, tmp_path / "kb-index")
    assert [h.id for h in kb.search("pump valve pressure shift", 5)][:1] == ["pump-valve-pressure"]
    kb.close()


def test_search_now_never_waits_for_a_due_look_or_a_rebuild(tmp_path) -> None:
    """The event loop's search answers at once, or says None when kb.json is due a look or another thread holds the index."""
    import threading

    from support.kb.search import KnowledgeBase
    from support_harness import make_site

    kb = KnowledgeBase(make_site(tmp_path) / "_portal" / "kb.json", tmp_path / "kb-index", check_seconds=30)
    assert kb.search_now("conveyor jam", 5) is None  # never looked at yet
    first = [h.id for h in kb.search("conveyor jam", 5)]
    assert first and [h.id for h in kb.search_now("conveyor jam", 5)] == first
    holding, release = threading.Event(), threading.Event()

    def rebuild() -> None:
        with kb._lock:  # what refresh() and rebuild() hold while they index
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=rebuild)
    worker.start()
    holding.wait(10)
    try:
        assert kb.search_now("conveyor jam", 5) is None
    finally:
        release.set()
        worker.join()
    assert [h.id for h in kb.search_now("conveyor jam", 5)] == first
    kb.close()


def test_suggestions_say_when_no_article_seems_to_answer(live: Live) -> None:
    """``good_match`` is true for a question an article answers and false for one the portal has no answer to;
    the form without JavaScript says so above whatever weak matches it still lists."""
    client = live.client()
    assert client.get("/api/suggestions", params={"q": "HMI refuses my badge login"}).json()["good_match"] is True
    none = client.get("/api/suggestions", params={"q": "where is the canteen menu today"}).json()
    assert none["good_match"] is False
    form_id = form_id_from(client.get("/support/tickets/new").text)
    page = client.form("/support/tickets/new", {"subject": "Canteen menu", "description": "Where is the menu of the canteen today?",
                                                 "requester_email": "olga@example.com", "form_id": form_id, "action": "suggest"})
    assert "No article seems to answer this yet" in page.text or "No articles match yet" in page.text

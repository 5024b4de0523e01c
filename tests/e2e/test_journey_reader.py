"""Journey of a reader: from the home page to their role's learning path, search, a runbook and the API reference."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import Browsing, Portal
from playwright.sync_api import Browser, Page, expect

from generator.pagefind_index import write_pagefind
from generator.search import read_index
from steps import expect_page_heading, sign_in


def test_reader_finds_their_way_from_home_to_role_search_runbook_and_api(browsing: Browsing, portal: Portal) -> None:
    """A reader picks a role, follows its learning path, searches, copies a runbook command and reaches the API reference.

    The server's access log shows the pages asked for.
    """
    page = browsing.new_page(clipboard=True)

    open_home_and_pick_role(page, "Production operator")
    follow_learning_path_to_first_article(page, "Start-of-shift checklist")
    search_and_open_result(page, "lockout", "Lockout/tagout with LineCtl")
    copy_first_command_of_runbook(page, "Roll back to the previous LineCtl release")
    follow_link_into_api_reference(page)

    browsing.assert_clean()
    assert portal.logged('"GET / HTTP/1.1" 200 OK'), portal.log_tail()


def open_home_and_pick_role(page: Page, role: str) -> None:
    page.goto("/")
    expect_page_heading(page, "Line Control Portal")
    page.get_by_role("article").get_by_role("link", name=role, exact=True).click()
    expect_page_heading(page, role)


def follow_learning_path_to_first_article(page: Page, article: str) -> None:
    page.get_by_role("link", name="Start the learning path").click()
    path = page.locator("#learning-path + p + ol")
    expect(path.get_by_role("listitem")).not_to_have_count(0)
    path.get_by_role("link").first.click()
    expect_page_heading(page, article)


def search_and_open_result(page: Page, term: str, title: str) -> None:
    box = page.get_by_role("textbox", name="Search")
    box.click()  # the input itself: Material's label over it would swallow a click on the form
    box.press_sequentially(term)  # fill() sets the value without the key events that run the search
    result = page.locator(".md-search-result__link").filter(has=page.get_by_role("heading", name=title)).first
    expect(result).to_be_visible()
    result.click()
    expect_page_heading(page, title)
    expect(page.locator("article mark").first).to_have_text(term, ignore_case=True)


def copy_first_command_of_runbook(page: Page, title: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Runbooks").first.click()
    page.get_by_role("article").get_by_role("link", name=title).click()
    expect_page_heading(page, title)
    block = page.locator("#step-1 ~ .highlight").first
    command = block.locator("code").inner_text().strip()
    block.hover()
    block.get_by_role("button", name="Copy to clipboard").click()
    expect(page.get_by_text("Copied to clipboard")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").strip() == command


def follow_link_into_api_reference(page: Page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Home").first.click()
    page.get_by_role("article").get_by_role("link", name="API reference", exact=True).click()
    expect_page_heading(page, "API reference")
    page.get_by_role("article").get_by_role("link", name="LineCtl REST API").click()
    expect_page_heading(page, "LineCtl REST API")
    page.get_by_role("article").get_by_role("link", name="/alarms", exact=True).first.click()
    expect_page_heading(page, "Alarms")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^GET \/alarms\s*¶?$"))).to_have_count(1)


@pytest.mark.parametrize(("hosting", "viewport"), [("backend", (1366, 900)), ("backend", (390, 844)), ("static", (1366, 900)),
                                                   ("pagefind", (1366, 900)), ("pagefind", (390, 844))],
                         ids=["backend-laptop", "backend-phone", "static-laptop", "static-pagefind", "static-pagefind-phone"])
def test_reader_asks_the_search_box_in_everyday_words_and_opens_the_right_article(
        browser: Browser, portal: Portal, hosting: str, viewport: tuple[int, int], tmp_path: Path) -> None:
    """"the scanner gun won't beep" (the article says "barcode scanner") puts the article among the first five results; it opens
    with the matches highlighted. On a phone the result is chosen with the keyboard (arrows, Enter).

    Served with the backend the box asks ``/api/search``, and a question the portal cannot answer says "no good match" with
    the ticket form; hosted alone (a plain static server) the probe fails and the box searches the static index: Material's,
    or the Pagefind bundles a large site gets (``search_index: pagefind``, written here into a copy of the built site).
    """
    site = portal.portal_dir / "site"
    if hosting == "pagefind":
        site = Path(shutil.copytree(site, tmp_path / "site"))
        assert write_pagefind(site, read_index(site), "pagefind") > 0
    with static_site(site) if hosting != "backend" else contextlib.nullcontext(portal.url) as url:
        browsing = Browsing(browser, url)
        try:
            page = browsing.new_page(viewport=viewport)
            page.goto("/")
            search_box(page, "the scanner gun won't beep")
            pages = page.locator(".md-search-result__item > .md-search-result__link article h1")
            expect(pages.first).to_be_visible()
            titles = [title.strip() for title in pages.all_inner_texts()[:5]]
            assert "Barcode scanner not reading" in titles, titles
            page.screenshot(path=str(tmp_path / f"results-{hosting}-{viewport[0]}.png"))
            if viewport[0] < 960:
                choose_with_keyboard(page, "Barcode scanner not reading")
            else:
                page.locator(".md-search-result__item > .md-search-result__link").nth(titles.index("Barcode scanner not reading")).click()
            expect_page_heading(page, "Barcode scanner not reading")
            expect(page.locator("article mark").first).to_be_visible()
            asked_backend = [r for r in browsing.requests if "/api/search?q=" in r and not r.endswith("?q=")]
            if hosting == "backend":
                assert asked_backend and portal.logged('"GET /api/search?q=the%20scanner'), portal.log_tail()
                search_box(page, "where is the canteen menu")
                advice = page.locator(".md-search-result__link").filter(has=page.get_by_role("heading", name=re.compile("No good match")))
                expect(advice).to_have_attribute("href", re.compile(r"/support/tickets/new\?subject=where.*&visit="))
            else:
                assert not asked_backend, asked_backend
                fetched = [r for r in browsing.requests if "/pagefind/" in r]
                assert bool(fetched) == (hosting == "pagefind"), fetched
            material_worker = [r for r in browsing.requests if re.search(r"/workers/search\.[0-9a-f]+\.min\.js", r)]
            assert bool(material_worker) == (hosting != "pagefind"), material_worker  # Pagefind's site: lunr never loaded
            browsing.assert_clean()
        finally:
            browsing.close()


def choose_with_keyboard(page: Page, title: str) -> None:
    """Arrow down through the results until the one titled ``title`` has the focus, then press Enter."""
    for _ in range(30):
        page.keyboard.press("ArrowDown")
        focused = page.evaluate("() => (document.activeElement.querySelector('article h1') || {}).textContent || ''")
        if focused.strip() == title:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"the arrow keys never reached the result {title!r}")


def search_box(page: Page, text: str) -> None:
    """Type ``text`` into the site's search box (behind the header's search button on a phone)."""
    if page.viewport_size and page.viewport_size["width"] < 960:
        page.locator("label.md-header__button[for='__search']").click()
    box = page.get_by_role("textbox", name="Search")
    box.click()
    box.fill(text[:-1])  # fill() alone runs no search: the last key typed runs one, for the whole question
    box.press_sequentially(text[-1])


@contextlib.contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """The built site alone on a plain static HTTP server (no backend), as on a CDN; its URL."""
    handler = functools.partial(_QuietFiles, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def test_developer_tries_the_backend_api_in_its_docs_page(browsing: Browsing) -> None:
    """``/api/docs`` shows every operation and runs one, from files this server serves, within its strict CSP."""
    page = browsing.new_page()
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name=re.compile("Portal support API"))).to_be_visible()
    session = page.locator(".opblock").filter(has_text="/api/session").first
    session.locator(".opblock-summary").click()
    session.get_by_role("button", name="Try it out").click()
    session.get_by_role("button", name="Execute").click()
    expect(session.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(session.locator(".live-responses-table tbody")).to_contain_text("csrf_token")
    browsing.assert_clean()


def test_reader_says_a_page_did_not_help_and_why_and_the_docs_team_sees_it(browsing: Browsing, portal: Portal) -> None:
    """'Was this page helpful?' under an article: the sad face, then a comment; an agent reads both in the reports."""
    page = browsing.new_page()
    page.goto("/articles/maintenance/troubleshooting-barcode-scanner-not-reading/")
    widget = page.locator("form.md-feedback")
    expect(widget.get_by_text("Was this page helpful?")).to_be_visible()
    widget.get_by_role("button", name="This page could be improved").click()
    note = widget.locator(".portal-feedback-comment:visible")
    expect(note).to_be_visible()
    note.get_by_label("What was missing or wrong? (optional)").fill("The BC-305 error is not covered")
    note.get_by_role("button", name="Send").click()
    expect(widget).to_contain_text("your comment was sent")
    browsing.assert_clean()
    portal.add_users(("fiona@example.com", "agent", "Fiona Feedback"))
    agent = browsing.new_page()
    sign_in(agent, "fiona@example.com")
    agent.goto("/support/reports")
    expect(agent.get_by_role("table", name="What readers said")).to_contain_text("The BC-305 error is not covered")
    usefulness = agent.get_by_role("table", name=re.compile("Page usefulness"))
    expect(usefulness).to_contain_text("Barcode scanner not reading")


def test_a_search_from_the_site_box_and_the_page_opened_are_recorded(browsing: Browsing, portal: Portal) -> None:
    """The site tells the backend what was searched, what it showed and what was opened; no cookie goes with it."""
    page = browsing.new_page()
    page.goto("/")
    box = page.get_by_role("textbox", name="Search")
    box.click()
    box.press_sequentially("torque gun keeps stopping")
    results = page.locator(".md-search-result__item > .md-search-result__link")
    expect(results.first).to_be_visible()
    with page.expect_request(lambda r: r.url.endswith("/api/searches") and '"opened"' in (r.post_data or "")) as opened:
        results.first.click()
    assert "cookie" not in {k.lower() for k in opened.value.headers}
    page.wait_for_load_state()
    with sqlite3.connect(portal.data_dir / "portal.db") as db:
        rows = db.execute("SELECT query, scope, shown, opened FROM searches").fetchall()
    assert any(q == "torque gun keeps stopping" and scope == "reader" and shown > 0 and opened for q, scope, shown, opened in rows), rows
    help_link = page.get_by_role("link", name="Need help with this page? Ask support")
    assert "visit=" in help_link.get_attribute("href")

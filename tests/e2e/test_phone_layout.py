"""Every backend page type fits a phone (390x844) and a laptop (1366x900): nothing scrolls sideways, every table
stacks its rows or scrolls in a labelled region the keyboard reaches, headers and buttons keep their words whole,
and controls are at least 44 px tall."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_harness import Browsing
from page_types import PAGES, portal, world  # noqa: F401 (the module's fixtures)
from playwright.sync_api import Page

VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 900)}
BACKEND = [name for name, (_, visit) in PAGES.items()
           if name not in {"home", "roles index", "role page", "article", "runbooks index", "runbook", "KB index",
                           "search results", "search results, no good match", "API reference index", "REST reference", "Python reference",
                           "assessments index (site)", "quiz page (site)", "site 404", "glossary", "article with a video",
                           "videos index", "article with diagrams", "event reference index", "event channel",
                           "new runbook (incident communication)"}]  # the site's pages: tests/e2e/test_docs_media.py checks those
MIN_TARGET = 44

# Tables: each is either stacked (its rows become blocks) or inside a region that scrolls, is focusable and named.
TABLES_JS = """() => [...document.querySelectorAll('main table')].map(table => {
  const region = table.closest('.table-scroll');
  return {caption: (table.caption && table.caption.textContent.trim()) || table.className,
          stacked: getComputedStyle(table.querySelector('tbody tr') || table).display === 'block',
          region: !!region, focusable: !!region && region.tabIndex === 0,
          named: !!region && !!(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')),
          role: region ? region.getAttribute('role') : null,
          overflows: table.getBoundingClientRect().right > innerWidth + 1};
})"""
# Controls a finger must hit: buttons, selects, text fields, and links styled as buttons; a checkbox or radio
# counts by its label's box when it has one.
TARGETS_JS = """min => [...document.querySelectorAll('main button, main select, main input:not([type=hidden]), main a.button, header button')]
  .filter(el => el.offsetParent !== null)
  .map(el => { const box = (['checkbox', 'radio'].includes(el.type) && el.closest('label')) || el;
               const r = box.getBoundingClientRect();
               return {what: el.outerHTML.slice(0, 90), height: Math.round(r.height), width: Math.round(r.width)}; })
  .filter(t => t.height < min || t.width < min)"""


# Words of column headers and buttons that wrap inside themselves ("Stat" / "us"): each word's text as a range, on more than one line.
BROKEN_HEADERS_JS = """() => [...document.querySelectorAll('main thead th, main button')].filter(th => th.getClientRects().length).flatMap(th => {
  const broken = [], walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(word[0]);
    }
  }
  return broken;
})"""


def _open(browsing: Browsing, world: dict[str, Any], page_type: str, size: tuple[int, int]) -> Page:
    who, visit = PAGES[page_type]
    page = browsing.new_page(storage_state=world["states"][who] if who else None)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    visit(page, world)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("page_type", BACKEND)
def test_backend_page_does_not_scroll_sideways(page_type: str, viewport: str, browsing: Browsing, world: dict[str, Any]) -> None:
    """The document is no wider than the window, every table stacks or scrolls in a labelled, focusable region, and on a
    laptop no column header or button is cut inside a word (long cell text wraps instead)."""
    page = _open(browsing, world, page_type, VIEWPORTS[viewport])
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{page_type} at {viewport} is {width[0]} px wide in a {width[1]} px window ({page.url})"
    for table in page.evaluate(TABLES_JS):
        if viewport == "phone":
            assert table["stacked"] or (table["region"] and table["focusable"] and table["named"] and table["role"] == "region"), \
                f"{page_type}: table {table['caption']!r} neither stacks nor scrolls in a labelled, focusable region"
        assert table["region"] or not table["overflows"], f"{page_type}: table {table['caption']!r} runs off the window"
    if viewport == "laptop":  # where columns sit side by side: a header or a button wraps between its words, never inside one
        assert page.evaluate(BROKEN_HEADERS_JS) == [], f"{page_type}: words of headers or buttons broken across lines ({page.url})"


@pytest.mark.parametrize("page_type", BACKEND)
def test_controls_are_big_enough_to_touch_on_a_phone(page_type: str, browsing: Browsing, world: dict[str, Any]) -> None:
    """Every button, select, field and checkbox (with its label) is at least 44 by 44 px at 390 px wide."""
    page = _open(browsing, world, page_type, VIEWPORTS["phone"])
    small = page.evaluate(TARGETS_JS, MIN_TARGET)
    assert not small, f"{page_type}: controls under {MIN_TARGET} px:\n" + "\n".join(
        f"  {t['width']}x{t['height']} {t['what']}" for t in small)


@pytest.mark.parametrize("width", [390, 800, 1366])
def test_suggested_articles_sit_by_the_description_not_below_the_file_button(width: int, browsing: Browsing, world: dict[str, Any]) -> None:
    """The suggestions start above the File ticket button, by the description being typed, at every width."""
    page = _open(browsing, world, "ticket form with suggestions", (width, 900))
    boxes = page.evaluate("""() => ['#description', '.suggestions', 'button[value=file]']
        .map(s => document.querySelector(s).getBoundingClientRect()).map(r => ({top: r.top, bottom: r.bottom}))""")
    description, suggestions, file_button = boxes
    assert suggestions["top"] < file_button["top"], f"at {width} px the suggestions start below the File ticket button"
    assert suggestions["top"] - description["bottom"] < 120, f"at {width} px the suggestions are far from the description"


def test_the_certificate_prints_without_the_sites_chrome(browsing: Browsing, world: dict[str, Any]) -> None:
    """Printed, the certificate page keeps the certificate and drops the header, navigation, footer and forms (issue 18)."""
    page = _open(browsing, world, "certificate", VIEWPORTS["laptop"])
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll('header.top, footer.bottom, nav, main form, .skip')]
      .filter(el => getComputedStyle(el).display !== 'none').map(el => el.outerHTML.slice(0, 60))""")
    assert hidden == []
    assert page.locator("h1").is_visible() and page.locator("dl.facts").is_visible()

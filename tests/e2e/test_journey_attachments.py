"""Attachments in Chromium: a requester files with files chosen and a pasted screenshot; disguised files (an HTML page
named .png, an SVG with a script, a PNG/HTML polyglot) never run in the portal's origin; who may fetch a file."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import ACCOUNTS, Browsing, Portal, serve_portal
from playwright.sync_api import Page, expect
from steps import sign_in

OTHER = ("kim@example.com", "requester", "Kim Keyboard")
# Each payload reports to the portal if it ever runs: a request for /support/pwned-<kind> would be seen.
BEACON = "<script>fetch('/support/pwned-{0}');document.title='pwned-{0}';parent.pwned='{0}'</script>"
POLYGLOT = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"<html><body>" + BEACON.format("polyglot").encode() + b"</body></html>"
SVG = f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{BEACON.format("svg")}</svg>'.encode()
HTML_AS_PNG = f"<!doctype html><html>{BEACON.format('html')}</html>".encode()
# A real 1x1 PNG, pasted as a screenshot.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def portal(portal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The portal allowing SVG too, with a second requester."""
    with serve_portal(portal_dir, tmp_path_factory.mktemp("data"), extra_accounts=(OTHER,),
                      settings={"PORTAL_ATTACHMENT_TYPES": "png,txt,log,svg"}) as server:
        yield server


def _paste_screenshot(page: Page) -> None:
    page.evaluate("""bytes => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "image.png", {type: "image/png"}));
        document.getElementById("description").dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
    }""", list(PIXEL))


def _fetch_status(page: Page, url: str) -> int:
    return page.request.get(url, max_redirects=0).status


def test_files_are_attached_downloaded_and_never_run_and_only_the_tickets_people_get_them(portal: Portal, browsing: Browsing) -> None:
    """Chosen files and a pasted screenshot are filed; an HTML page named .png is refused beside the field with the text
    kept; the SVG and the polyglot are stored but only ever downloaded; the matrix: requester, agent yes, others no."""
    page = browsing.new_page()
    page.goto("/support/tickets/new")
    page.get_by_label("Subject").fill("Label printer prints blank labels")
    page.get_by_label("What happened, and what did you expect?").fill("Every label comes out blank since this morning.")
    page.get_by_label("Your email").fill("paul@example.com")
    page.set_input_files("#attachments", [{"name": "photo.png", "mimeType": "image/png", "buffer": POLYGLOT},
                                          {"name": "drawing.svg", "mimeType": "image/svg+xml", "buffer": SVG}])
    _paste_screenshot(page)
    expect(page.locator("#pasted")).to_have_text("Pasted 1 screenshot(s); 3 file(s) will be attached.")
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_role("status")).to_contain_text("Your ticket was filed.")
    files = page.locator("ul.attachments a[download]")
    expect(files).to_have_count(3)
    names = files.all_inner_texts()
    assert names[:2] == ["photo.png", "drawing.svg"] and names[2].startswith("screenshot-") and names[2].endswith(".png")
    expect(page.locator("ul.attachments img")).to_have_count(2)  # the PNGs only: an SVG is never shown inline
    private = page.url

    page.get_by_label("Your reply").fill("Here is the printer's status page.")
    page.set_input_files("#attachments", [{"name": "status.png", "mimeType": "image/png", "buffer": HTML_AS_PNG}])
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#attachments-error")).to_have_text("status.png is not a PNG image (its content does not match its name)")
    expect(page.get_by_label("Your reply")).to_have_value("Here is the printer's status page.")

    page.goto(private)
    urls = [a.get_attribute("href") for a in files.all()]
    for url in urls:  # opened directly, each is a download: nothing renders in the portal's origin
        with page.expect_download() as download:
            page.evaluate("url => { location.href = url }", url)
        assert download.value.suggested_filename in names
    page.evaluate("url => { const f = document.createElement('iframe'); f.src = url; document.body.append(f) }", urls[1])
    page.wait_for_timeout(300)
    assert "pwned" not in page.title()
    assert page.evaluate("() => window.pwned === undefined")
    assert not [r for r in browsing.requests if "pwned" in r]

    agent = browsing.new_page()
    sign_in(agent, ACCOUNTS["agent"][0])
    ticket_id = int(agent.evaluate("u => fetch('/api/t/' + u.split('/').pop()).then(r => r.json()).then(t => t.id)", private))
    agent.goto(f"/support/tickets/{ticket_id}")
    expect(agent.locator("ul.attachments a[download]")).to_have_count(3)
    signed_url = agent.locator("ul.attachments a[download]").first.get_attribute("href")
    response = agent.request.get(signed_url)
    assert (response.status, response.body(), response.headers["content-security-policy"]) == (200, POLYGLOT, "default-src 'none'; sandbox")
    other = browsing.new_page()
    sign_in(other, OTHER[0])
    anonymous = browsing.new_page()
    assert [_fetch_status(p, signed_url) for p in (agent, other, anonymous)] == [200, 404, 303]
    assert [_fetch_status(p, urls[0]) for p in (page, other, anonymous)] == [200, 200, 200]  # the private link is the key
    assert not [r for r in browsing.requests if "pwned" in r]

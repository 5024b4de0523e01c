"""Response headers over real HTTP: no page of the portal can be framed or load from other sites, per-user answers
are never stored by a cache, and the API's docs page is served from the backend itself."""

from __future__ import annotations

import re

from support_harness import Browser, Live

from support.web.security import CSP, SITE_CSP


def test_site_pages_and_the_kb_export_have_a_csp_and_refuse_framing(live: Live) -> None:
    """The built site (served at ``/``) and ``/_portal/kb.json`` carry the site's CSP and ``X-Frame-Options: DENY``."""
    client = live.client()
    for path in ("/", "/index.html", "/_portal/kb.json", "/no-such-page/"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == SITE_CSP, path
        assert response.headers["x-frame-options"] == "DENY", path
    directives = dict(d.strip().split(" ", 1) for d in SITE_CSP.split(";"))
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'"
    assert "http" not in SITE_CSP and "*" not in SITE_CSP  # no other host, for anything


def test_the_api_has_the_backends_csp_and_refuses_framing(live: Live) -> None:
    """JSON answers and the docs page carry the backend's strict policy (no inline script at all)."""
    client = live.client()
    for path in ("/api/session", "/api/openapi.json", "/api/docs", "/api/no/such/endpoint"):
        response = client.get(path)
        assert (response.headers["content-security-policy"], response.headers["x-frame-options"]) == (CSP, "DENY"), path
    assert "'unsafe-inline'" not in CSP


def test_per_user_pages_and_answers_are_not_stored(live: Live, agent: Browser) -> None:
    """Private links, agent pages, admin pages, reports, errors and the JSON API send ``Cache-Control: no-store``."""
    filed = live.file()
    live.add_user("ada@example.com", "admin")
    admin = live.client()
    admin.login("ada@example.com")
    anonymous = live.client()
    answers = [anonymous.get(f"/support/t/{filed['token']}"), anonymous.get(f"/api/t/{filed['token']}"),
               anonymous.get("/support/"), anonymous.get("/support/queue"), anonymous.get("/api/session"),
               agent.get("/support/queue"), agent.get(f"/support/tickets/{filed['ticket']['id']}"), agent.get("/support/reports"),
               agent.get("/support/reports/backlog.csv"), agent.get(f"/api/tickets/{filed['ticket']['id']}"),
               agent.get("/api/tickets"), agent.get("/support/tickets/4242"), agent.get("/api/tickets/4242"),
               admin.get("/support/admin/users"), admin.get("/api/admin/users")]
    for response in answers:
        assert response.headers["cache-control"] == "no-store", response.url


def test_shared_files_of_the_backend_may_be_cached(live: Live) -> None:
    """What is the same for everyone (stylesheets, the OpenAPI schema, the docs page) is not marked no-store."""
    client = live.client()
    for path in ("/support/static/support.css", "/api/openapi.json", "/api/docs", "/api/docs/static/swagger-ui.css", "/"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" not in response.headers.get("cache-control", ""), path


def test_the_api_docs_page_loads_nothing_from_other_sites(live: Live) -> None:
    """``/api/docs`` is Swagger UI from files this server serves; every script and stylesheet it names is local."""
    client = live.client()
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets == ["/api/docs/static/swagger-ui.css", "/api/docs/static/favicon.png", "/api/docs/static/swagger-ui-bundle.js",
                      "/support/static/api-docs.js"]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "<script>" not in page.text  # nothing inline: the strict CSP applies
    assert "validatorUrl: null" in client.get("/support/static/api-docs.js").text  # no badge from the public validator

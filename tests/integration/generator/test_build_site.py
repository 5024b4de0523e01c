"""A real ``portal build`` of a small portal (the scaffold plus tests/data/good/), read back as HTML.

The site is built once per module; every test here only reads it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import Result

MakePortal = Callable[..., Path]  # the make_portal fixture
RunPortal = Callable[..., Result]  # the run_portal fixture


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, make_portal: MakePortal, run_portal: RunPortal) -> Path:
    """The scaffold with the good overlay, built once; the build must succeed."""
    root = make_portal(tmp_path_factory.mktemp("built") / "portal", "good")
    result = run_portal("build", root)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("portal build: site written (2 warning")
    return root


@pytest.fixture(scope="module")
def site(portal: Path) -> Path:
    """The built site folder."""
    return portal / "site"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def tags(markup: str, name: str) -> list[dict[str, str]]:
    """The attributes of every ``<name>`` start tag."""
    parser = _Tags()
    parser.feed(markup)
    return [attrs for tag, attrs in parser.found if tag == name]


def text(markup: str) -> str:
    """Visible text: tags dropped, entities decoded, whitespace collapsed, permalinks removed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("¶", " ").split())


def content(site: Path, page: str) -> str:
    """The article (main content) of a page, given its URL relative to the site."""
    markup = (site / page / "index.html").read_text(encoding="utf-8")
    return markup[markup.index("<article") : markup.index("</article>")]


def section(markup: str, anchor: str) -> str:
    """From the heading with id ``anchor`` to the next heading of the same or a higher level."""
    start = re.search(rf'<h([1-6]) id="{re.escape(anchor)}"', markup)
    assert start, f"no heading #{anchor}"
    level = int(start.group(1))
    end = re.compile(rf"<h[1-{level}][ >]|<div class=\"portal-help\"").search(markup, start.end())
    return markup[start.start() : end.start() if end else len(markup)]


def resolves(site: Path, page: str, href: str) -> bool:
    """Whether a relative link on ``page`` leads to a built file (and to an existing id for #anchors)."""
    parts = urlsplit(href)
    target = (site / page / parts.path).resolve() if parts.path else site / page
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return False
    return not parts.fragment or f'id="{parts.fragment}"' in target.read_text(encoding="utf-8")


def links(markup: str) -> list[tuple[str, str]]:
    """``(text, href)`` of every link in document order, heading permalinks left out."""
    found = re.finditer(r'<a ([^>]*?)href="([^"]*)"[^>]*>(.*?)</a>', markup, re.S)
    return [(text(m.group(3)), html.unescape(m.group(2))) for m in found if 'class="headerlink"' not in m.group(0)]


def code_blocks(markup: str) -> list[str]:
    """The text of every highlighted code block, exactly as a reader copies it."""
    blocks = re.findall(r"<pre>(?:<span></span>)?<code>(.*?)</code></pre>", markup, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).rstrip("\n") for b in blocks]


def all_pages(site: Path) -> list[str]:
    """URLs (relative to the site, "" for home) of every page built as ``.../index.html``."""
    urls = []
    for file in site.rglob("index.html"):
        folder = file.parent.relative_to(site).as_posix()
        urls.append("" if folder == "." else folder + "/")
    return sorted(urls)


class TestHomeAndRoles:
    def test_home_page_lists_every_role_with_a_working_link(self, site: Path) -> None:
        """The home page offers each role by title, each link leading to its role page."""
        role_links = [(t, h) for t, h in links(section(content(site, ""), "pick-your-role")) if h.startswith("roles/")]
        assert role_links == [("Operator", "roles/operator/"), ("Shift Supervisor", "roles/supervisor/")]
        assert all(resolves(site, "", href) for _, href in role_links)

    def test_role_index_lists_roles_with_step_counts(self, site: Path) -> None:
        """The role index has a row per role with its learning path length."""
        page = text(content(site, "roles/"))
        assert "Operator Runs the service day to day and handles its routine alarms. 2 steps Operator certificate" in page
        assert "Shift Supervisor Leads a shift, approves releases and owns escalations. 3 steps Release approver" in page

    def test_role_page_shows_responsibilities(self, site: Path) -> None:
        """Each responsibility is a list item under Responsibilities."""
        items = re.findall(r"<li>(.*?)</li>", section(content(site, "roles/supervisor/"), "responsibilities"))
        assert items == ["Approve every release before it goes out.", "Decide when an incident is escalated to the platform team."]

    def test_role_page_shows_tasks_with_what_teaches_them(self, site: Path) -> None:
        """A task has its title, description and links to the runbooks that teach it."""
        tasks = section(content(site, "roles/supervisor/"), "tasks")
        assert "Approve a release" in text(tasks)
        assert "Check the release notes, then start the deployment runbook." in text(tasks)
        assert ("Deploy a release", "../../runbooks/deploy-release/") in links(tasks)

    def test_learning_path_is_in_written_order_with_working_links(self, site: Path) -> None:
        """The learning path is an ordered list, in the role file's order, whose links all resolve."""
        path = section(content(site, "roles/supervisor/"), "learning-path")
        assert "<ol>" in path
        assert [text(li) for li in re.findall(r"<li>(.*?)</li>", path, re.S)] == [
            "Deploy a release (runbook): walk through it with an experienced supervisor",
            "The service will not start (article)",
            "Getting started (article)",
        ]
        hrefs = [h for _, h in links(path)]
        assert hrefs == ["../../runbooks/deploy-release/", "../../articles/service-wont-start/", "../../articles/getting-started/"]
        assert all(resolves(site, "roles/supervisor/", h) for h in hrefs)

    def test_role_page_lists_certifications_runbooks_and_articles(self, site: Path) -> None:
        """Required certifications, and the runbooks and articles tagged with the role, are listed."""
        page = content(site, "roles/operator/")
        assert text(section(page, "required-certifications")).endswith("Operator certificate")
        assert [t for t, _ in links(section(page, "runbooks-for-this-role"))] == ["Deploy a release", "Restart the service"]
        assert [t for t, _ in links(section(page, "articles-for-this-role"))] == ["Getting started", "The service will not start"]


class TestRunbookPage:
    def test_steps_are_numbered_with_step_ids(self, site: Path) -> None:
        """Each step is a heading ``Step N: action`` with the id ``step-N``."""
        steps = re.findall(r'<h3 id="(step-\d+)">(.*?)<a class="headerlink"', content(site, "runbooks/deploy-release/"))
        assert steps == [
            ("step-1", "Step 1: Download the release."),
            ("step-2", "Step 2: Switch the service to the new release."),
            ("step-3", "Step 3: Watch the error rate for ten minutes."),
        ]

    def test_commands_are_code_blocks(self, site: Path) -> None:
        """Each step's command (and the rollback's) is a code block with the exact command text."""
        assert code_blocks(content(site, "runbooks/deploy-release/")) == ["sudo example-ctl fetch --version 2.4.1", "sudo example-ctl activate 2.4.1", "sudo example-ctl activate --previous"]

    def test_steps_show_expected_result_and_what_to_do_if_it_fails(self, site: Path) -> None:
        """A step says what you should see and, when given, what to do if you do not."""
        step1 = text(section(content(site, "runbooks/deploy-release/"), "step-1"))
        assert 'Expected: The command prints "fetched 2.4.1".' in step1
        assert "If it fails: Check the network to the artifact store and retry once." in step1
        assert "Expected: The error rate stays below 1%." in text(section(content(site, "runbooks/deploy-release/"), "step-3"))

    def test_preconditions_and_verification_are_checklists(self, site: Path) -> None:
        """Preconditions and verification are task lists with a checkbox per item."""
        page = content(site, "runbooks/deploy-release/")
        verification = section(page, "verification")
        assert len(tags(verification, "input")) == 2
        assert "The dashboard shows version 2.4.1 on every host." in text(verification)
        assert len(tags(section(page, "before-you-start"), "input")) == 1

    def test_rollback_is_a_numbered_list(self, site: Path) -> None:
        """Rollback steps are an ordered list, commands included."""
        rollback = section(content(site, "runbooks/deploy-release/"), "rollback")
        assert "<ol>" in rollback
        assert text(rollback) == ("Rollback Switch back to the previous release. sudo example-ctl activate --previous Tell the release team the rollout was undone."
                                  " Rollback step 1 done Rollback step 2 done")  # each can be ticked, like the steps

    def test_escalation_is_a_table_of_tiers(self, site: Path) -> None:
        """The escalation table has one row per tier: tier, who, contact, when."""
        rows = re.findall(r"<tr>(.*?)</tr>", section(content(site, "runbooks/deploy-release/"), "escalation"), re.S)
        cells = [[text(c) for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", row, re.S)] for row in rows]
        assert cells == [
            ["Tier", "Who", "Contact", "When"],
            ["1", "Shift supervisor", "", "A step fails and its fix does not help."],
            ["2", "Release team", "#release-oncall", "The rollback fails."],
        ]

    def test_review_dates_and_overdue_warning(self, site: Path) -> None:
        """An overdue runbook shows last reviewed, next review due, and a visible overdue warning."""
        page = text(content(site, "runbooks/deploy-release/"))
        assert "Last reviewed: 2026-01-05 · Next review due: 2026-04-05" in page
        assert "Review overdue since 2026-04-05" in page
        assert 'class="admonition danger"' in content(site, "runbooks/deploy-release/")

    def test_runbook_in_date_has_no_overdue_warning(self, site: Path) -> None:
        """A runbook reviewed within its interval shows its due date and no warning."""
        page = text(content(site, "runbooks/restart-service/"))
        assert "Next review due: 2027-04-30" in page
        assert "overdue" not in page.lower()

    def test_runbook_index_marks_overdue_runbooks(self, site: Path) -> None:
        """The runbook index shows each runbook's next review, marking the overdue one."""
        page = text(content(site, "runbooks/"))
        assert "Deploy a release example-service SEV2 Release team 2026-04-05 (overdue)" in page
        assert "Restart the service example-service SEV3 Operations 2027-04-30 Need help" in page


class TestKnowledgeBase:
    def test_kb_index_lists_articles_by_tag(self, site: Path) -> None:
        """Each tag has a heading ``#tag-...`` listing its articles."""
        page = content(site, "kb/")
        assert [t for t, _ in links(section(page, "tag-basics"))] == ["Getting started", "The service will not start"]
        assert [t for t, _ in links(section(page, "tag-restarts"))] == ["The service will not start"]

    def test_kb_index_lists_articles_by_role(self, site: Path) -> None:
        """Under 'By role', each role lists its articles with their kind."""
        by_role = text(section(content(site, "kb/"), "by-role"))
        assert by_role == (
            "By role Operator Getting started (Guide) The service will not start (Troubleshooting) "
            "Shift Supervisor The service will not start (Troubleshooting)"
        )

    def test_article_id_links_become_working_links_with_anchors(self, site: Path) -> None:
        """``runbook:ID#anchor`` links in an article body lead to the runbook page and its heading."""
        body = content(site, "articles/service-wont-start/")
        hrefs = {t: h for t, h in links(body)}
        assert hrefs["a restart"] == "../../runbooks/restart-service/#step-1"
        assert hrefs["rollback"] == "../../runbooks/deploy-release/#rollback"
        assert all(resolves(site, "articles/service-wont-start/", h) for h in (hrefs["a restart"], hrefs["rollback"]))

    def test_article_tags_link_to_the_kb_index(self, site: Path) -> None:
        """Each tag on an article page links to its section of the KB index."""
        hrefs = {t: h for t, h in links(content(site, "articles/service-wont-start/"))}
        assert hrefs["restarts"] == "../../kb/#tag-restarts"
        assert resolves(site, "articles/service-wont-start/", hrefs["restarts"])

    def test_overdue_article_shows_a_warning_with_its_due_date(self, site: Path) -> None:
        """An article past its own review interval says so and who owns it (nothing more: no one is told); one within it does not."""
        overdue = text(content(site, "articles/service-wont-start/"))
        assert (
            "Review overdue This article was due for review on 2026-11-14 and has not been reviewed since, "
            "so it may be out of date. Its owner is Operations."
        ) in overdue
        assert "asked" not in overdue
        assert "overdue" not in text(content(site, "articles/getting-started/")).lower()

    def test_kb_export_has_each_article_with_its_fingerprint(self, site: Path, portal: Path) -> None:
        """``_portal/kb.json`` carries every article and runbook with URL and a SHA-256 of its source."""
        export = json.loads((site / "_portal" / "kb.json").read_text(encoding="utf-8"))
        pages = {p["id"]: p for p in export["pages"]}
        assert sorted(pages) == ["deploy-release", "getting-started", "restart-service", "service-wont-start"]
        article = pages["service-wont-start"]
        source = (portal / "content/articles/service-wont-start.md").read_text(encoding="utf-8")
        assert article["fingerprint"] == hashlib.sha256(source.encode()).hexdigest()
        assert (article["type"], article["url"], article["roles"], article["tags"]) == (
            "article", "articles/service-wont-start/", ["operator", "supervisor"], ["restarts", "basics"],
        )
        assert pages["deploy-release"]["type"] == "runbook"
        assert export["site_name"] == "My Portal"


class TestApiReference:
    def test_operations_show_method_and_path(self, site: Path) -> None:
        """Each operation is a heading with its method and path and an ``op-`` anchor."""
        heads = re.findall(r'<h2 id="(op-[^"]+)"><code>(.*?)</code>', content(site, "reference/rest/service/orders/"))
        assert heads == [("op-getorder", "GET /orders/{order_id}"), ("op-updateorder", "PUT /orders/{order_id}")]

    def test_parameters_table_includes_shared_path_parameters(self, site: Path) -> None:
        """A ``$ref``'d path-level parameter appears in the operation's parameter table."""
        rows = section(content(site, "reference/rest/service/orders/"), "parameters")
        assert "order_id path integer yes The order's number." in text(rows)

    def test_response_schema_fields_resolve_nested_refs(self, site: Path) -> None:
        """Fields of ``$ref``'d schemas are listed to any depth: customer.address.street, items[].name."""
        response = text(section(content(site, "reference/rest/service/orders/"), "200-the-order"))
        for row in (
            "customer object Customer yes",
            "customer.address object Address no",
            "customer.address.street string yes Street and number.",
            "items array of object Item no",
            "items[].name string yes",
            "status string: open , shipped no",
        ):
            assert row in response

    def test_examples_are_shown(self, site: Path) -> None:
        """Named response examples and request body examples are shown as JSON."""
        page = content(site, "reference/rest/service/orders/")
        assert [json.loads(b) for b in code_blocks(section(page, "200-the-order"))] == [
            {"id": 42, "status": "shipped", "customer": {"name": "ACME"}},
        ]
        assert [json.loads(b) for b in code_blocks(section(page, "request-body"))] == [
            {"id": 42, "status": "open", "customer": {"name": "ACME", "address": {"street": "1 Main St"}}},
        ]

    def test_example_is_built_from_schema_examples_when_none_is_given(self, site: Path) -> None:
        """Without an explicit example, one is assembled from the schema's property examples."""
        items = section(content(site, "reference/rest/service/items/"), "op-listitems")
        examples = [b for b in code_blocks(items) if b.startswith(("[", "{"))]  # the request samples are code too
        assert [json.loads(b) for b in examples] == [[{"id": 7, "name": "Widget"}]]

    def test_security_requirements_link_to_their_schemes(self, site: Path) -> None:
        """Each operation names its security scheme, linked to the scheme on the overview page."""
        orders = content(site, "reference/rest/service/orders/")
        assert ("apiKey", "../#auth-apikey") in links(section(orders, "op-getorder"))
        assert ("bearerAuth", "../#auth-bearerauth") in links(section(orders, "op-updateorder"))
        assert resolves(site, "reference/rest/service/orders/", "../#auth-apikey")
        assert "Authentication: none" in text(section(content(site, "reference/rest/service/items/"), "op-health"))

    def test_overview_lists_every_operation_with_working_links(self, site: Path) -> None:
        """The spec's overview page has one row per operation, each linking to its anchor."""
        ops = [(t, h) for t, h in links(section(content(site, "reference/rest/service/"), "operations"))]
        assert [t for t, _ in ops] == ["/health", "/items", "/orders/{order_id}", "/orders/{order_id}"]
        assert all(resolves(site, "reference/rest/service/", h) for _, h in ops)


class TestEveryPage:
    def test_every_page_has_a_help_link_carrying_page_id_title_and_url(self, site: Path) -> None:
        """Each page links to the ticket form with its own id, its title (the h1) and its URL."""
        seen: dict[str, str] = {}
        for page in all_pages(site):
            body = content(site, page)
            helps = [a for a in tags(body, "a") if "portal-help-link" in a.get("class", "")]
            assert len(helps) == 1, page
            url = urlsplit(helps[0]["href"])
            assert url.path == "/support/tickets/new", page
            query = parse_qs(url.query, keep_blank_values=True)
            assert sorted(query) == ["page_id", "page_title", "page_url"], page
            assert query["page_url"] == [page], page
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
            assert h1 and query["page_title"] == [text(h1.group(1))], page
            seen[page] = query["page_id"][0]
        assert {seen[p] for p in ("", "roles/operator/", "runbooks/deploy-release/", "articles/getting-started/", "kb/")} == {
            "home", "role:operator", "runbook:deploy-release", "getting-started", "kb",
        }
        assert len(set(seen.values())) == len(seen)

    def test_no_page_loads_anything_from_an_outside_host(self, site: Path) -> None:
        """No <link> or <script> points at another host, and nothing mentions Google Fonts."""
        for file in site.rglob("*.html"):
            markup = file.read_text(encoding="utf-8")
            assert "fonts.googleapis.com" not in markup, file
            urls = [a.get("href", "") for a in tags(markup, "link")] + [a.get("src", "") for a in tags(markup, "script")]
            outside = [u for u in urls if re.match(r"^(https?:)?//", u)]
            assert outside == [], file
        for css in site.rglob("*.css"):
            assert "fonts.googleapis.com" not in css.read_text(encoding="utf-8"), css

    def test_every_internal_link_in_the_content_resolves(self, site: Path) -> None:
        """Every relative link in every page's content leads to a built page (and anchor)."""
        broken = []
        for page in all_pages(site):
            for label, href in links(content(site, page)):
                if href.startswith(("/", "http:", "https:", "mailto:")):
                    continue
                if not resolves(site, page, href):
                    broken.append((page, label, href))
        assert broken == []

    def test_site_has_the_expected_pages(self, site: Path) -> None:
        """Home, role, KB, runbook and API pages are all built."""
        assert all_pages(site) == [
            "", "articles/getting-started/", "articles/service-wont-start/", "glossary/", "kb/",
            "reference/", "reference/rest/service/", "reference/rest/service/items/", "reference/rest/service/orders/",
            "roles/", "roles/operator/", "roles/supervisor/", "runbooks/", "runbooks/deploy-release/", "runbooks/restart-service/",
        ]

"""Render validated sources into plain Markdown pages and a nav (engine-neutral).

The output is a mapping of docs-relative page paths to Markdown text plus a nav in MkDocs'
``nav`` format; nothing here depends on MkDocs, so another engine could consume it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown.extensions.toc import slugify

from .glossary import GLOSSARY_PAGE
from .links import page_path, page_url, relative, rewrite_id_links
from .load import Portal
from .models import KIND_LABELS, ArticleMeta, Role, Runbook

STEP_LABELS = {"article": "article", "runbook": "runbook", "assessment": "assessment", "role": "role"}


@dataclass
class Page:
    """One rendered page: its Markdown and what the help link and exports need to know."""

    path: str
    title: str
    markdown: str
    page_id: str
    source: str | None = None


@dataclass
class Rendered:
    """The pages and nav produced from a portal."""

    pages: dict[str, Page] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    collisions: list[tuple[Page, Page]] = field(default_factory=list)

    def add(self, page: Page) -> None:
        """Add a page, remembering any page it displaces (reported by the checks)."""
        if page.path in self.pages:
            self.collisions.append((self.pages[page.path], page))
        self.pages[page.path] = page


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ").strip()


def _heading(value: str) -> str:
    first = value.strip().splitlines()[0] if value.strip() else value
    first = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", first)
    if len(first) <= 90:
        return first
    return first[:87].rsplit(" ", 1)[0] + "…"


def make_env() -> Environment:
    """The Jinja2 environment for page templates (Markdown output, so no HTML autoescape)."""
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=False,
    )
    env.filters.update(cell=_cell, heading=_heading, slug=lambda v: slugify(str(v), "-"))
    return env


_shared_env = functools.cache(make_env)  # one per process: templates compile once, not on every build


class Renderer:
    """Renders every page of a portal; one instance per build."""

    def __init__(self, portal: Portal, today: dt.date, site_name: str, quiz_rules: dict[str, dict[str, Any]], directory_urls: bool = True):
        self.portal = portal
        self.directory_urls = directory_urls
        self.today = today
        self.site_name = site_name
        self.quiz_rules = quiz_rules
        self.env = _shared_env()
        self.out = Rendered()

    # --- helpers shared by templates --------------------------------------------------

    def title(self, kind: str, ident: str) -> str:
        """The title of a source by kind and id (the id itself when unknown)."""
        table: dict[str, Any] = {
            "article": self.portal.articles,
            "runbook": self.portal.runbooks,
            "role": self.portal.roles,
            "assessment": self.portal.quizzes,
        }[kind]
        return table[ident].model.title if ident in table else ident

    def _render(self, template: str, here: str, **context: Any) -> str:
        paths = self.portal.article_paths

        def link(kind: str, ident: str) -> str:
            target = page_path(kind, ident, paths) or "index.md"
            return relative(target, here)

        text = self.env.get_template(template).render(
            link=link,
            rel=partial(_rel, here),
            title=self.title,
            kind_label=lambda k: KIND_LABELS.get(k, k),
            step_label=lambda k: STEP_LABELS.get(k, k),
            today=self.today,
            **context,
        )
        return rewrite_id_links(text, here, paths)

    # --- pages ------------------------------------------------------------------------

    def render_all(self) -> Rendered:
        """Render home, roles, articles, runbooks, indexes and assessments."""
        roles = sorted((s.model for s in self.portal.roles.values()), key=lambda r: r.title)
        articles = sorted((s.model for s in self.portal.articles.values()), key=lambda a: a.title.lower())
        runbooks = sorted((s.model for s in self.portal.runbooks.values()), key=lambda r: r.title.lower())
        self._home(roles, articles, runbooks)
        self.out.add(Page("roles/index.md", "Roles", self._render("roles_index.md.j2", "roles/index.md", roles=roles), "roles"))
        for role in roles:
            self._role(role, articles, runbooks)
        for art in articles:
            self._article(art)
        self.out.add(Page("runbooks/index.md", "Runbooks", self._render("runbooks_index.md.j2", "runbooks/index.md", runbooks=runbooks), "runbooks"))
        for rb in runbooks:
            self._runbook(rb)
        self._kb_index(roles, articles)
        self._videos_index()
        self._assessments()
        self._glossary()
        return self.out

    def _home(self, roles: list[Role], articles: list[ArticleMeta], runbooks: list[Runbook]) -> None:
        text = self._render(
            "home.md.j2", "index.md", portal_title=self.portal.settings.title or self.site_name,
            description="Guides, runbooks, knowledge base, API reference, assessments and support in one place.",
            roles=roles, article_count=len(articles), runbook_count=len(runbooks),
            has_api=bool(self.portal.settings.openapi or self.portal.settings.asyncapi or self.portal.settings.python_packages),
            assessment_count=len(self.quiz_rules),
        )
        self.out.add(Page("index.md", self.site_name, text, "home"))

    def _role(self, role: Role, articles: list[ArticleMeta], runbooks: list[Runbook]) -> None:
        here = f"roles/{role.id}.md"
        text = self._render(
            "role.md.j2", here, role=role,
            assessments=[_Obj(id=q, title=r["title"]) for q, r in self.quiz_rules.items() if r["role"] == role.id],
            runbooks=[rb for rb in runbooks if role.id in rb.roles],
            articles=[a for a in articles if role.id in a.roles],
        )
        self.out.add(Page(here, role.title, text, f"role:{role.id}", self.portal.roles[role.id].path))

    def _article(self, meta: ArticleMeta) -> None:
        source = self.portal.articles[meta.id]
        here = self.portal.article_paths[meta.id]
        interval = meta.review_interval_days or self.portal.settings.review.article_interval_days
        due = meta.reviewed + dt.timedelta(days=interval)
        body = "\n".join([self._player(v, here) for v in meta.videos] + [source.doc.body.strip("\n")])
        roles = [self.portal.roles[r].model for r in meta.roles if r in self.portal.roles]
        soon = not due < self.today and (due - self.today).days <= self.portal.settings.review.warn_before_days
        text = self._render("article.md.j2", here, meta=meta, body=body, roles=roles, overdue=due < self.today, soon=soon, due=due,
                            owner_told=self._owner_told(meta.owner))
        self.out.add(Page(here, meta.title, text, meta.id, source.path))

    def _runbook(self, rb: Runbook) -> None:
        here = f"runbooks/{rb.id}.md"
        roles = [self.portal.roles[r].model for r in rb.roles if r in self.portal.roles]
        overdue = rb.next_review < self.today
        soon = not overdue and (rb.next_review - self.today).days <= self.portal.settings.review.warn_before_days
        text = self._render("runbook.md.j2", here, rb=rb, roles=roles, overdue=overdue, soon=soon, player=partial(self._player, here=here),
                            owner_told=self._owner_told(rb.owner))
        self.out.add(Page(here, rb.title, text, f"runbook:{rb.id}", self.portal.runbooks[rb.id].path))

    def _owner_told(self, owner: str) -> bool:
        """True when ``owners.yml`` gives the owner's addresses: the backend mails them a weekly review digest."""
        return self.portal.owners is not None and owner in self.portal.owners.owners

    def _player(self, video: Any, here: str) -> str:
        from .videos import player

        return player(video, here, self.portal.content_dir, self.directory_urls)

    def _videos_index(self) -> None:
        from .videos import placed_videos, videos_index

        if placed_videos(self.portal):
            self.out.add(Page("videos/index.md", "Video tutorials", videos_index(self.portal), "videos"))

    def _kb_index(self, roles: list[Role], articles: list[ArticleMeta]) -> None:
        by_role = [(r, [a for a in articles if r.id in a.roles]) for r in roles]
        by_kind: dict[str, list[ArticleMeta]] = defaultdict(list)
        by_tag: dict[str, list[ArticleMeta]] = defaultdict(list)
        for art in articles:
            by_kind[KIND_LABELS[art.kind.value]].append(art)
            for tag in art.tags:
                by_tag[tag].append(art)
        text = self._render(
            "kb_index.md.j2", "kb/index.md", articles=articles,
            by_role=[(r, items) for r, items in by_role if items],
            by_kind=sorted(by_kind.items()), by_tag=sorted(by_tag.items()),
        )
        self.out.add(Page("kb/index.md", "Knowledge base", text, "kb"))

    def _glossary(self) -> None:
        source = self.portal.glossary
        if source is None:
            return
        glossary = source.model
        terms = sorted(glossary.terms, key=lambda t: t.term.lower())
        letters: dict[str, list[Any]] = defaultdict(list)
        for term in terms:
            letters[term.term[0].upper()].append(term)
        names = {term.anchor: term.term for term in terms}
        text = self._render("glossary.md.j2", GLOSSARY_PAGE, glossary=glossary, terms=terms, letters=sorted(letters.items()), names=names)
        self.out.add(Page(GLOSSARY_PAGE, glossary.title, text, "glossary", source.path))

    def _assessments(self) -> None:
        if not self.quiz_rules:
            return
        support = self.portal.settings.support_url
        quizzes = [_Obj(id=q, **r) for q, r in sorted(self.quiz_rules.items())]
        text = self._render("assessments_index.md.j2", "assessments/index.md", quizzes=quizzes)
        self.out.add(Page("assessments/index.md", "Assessments", text, "assessments"))
        for quiz in quizzes:
            here = f"assessments/{quiz.id}.md"
            text = self._render(
                "assessment.md.j2", here, q=quiz,
                start_url=f"{support}/assessments/{quiz.id}", dashboard_url=f"{support}/me",
            )
            self.out.add(Page(here, quiz.title, text, f"assessment:{quiz.id}", self.portal.quizzes[quiz.id].path))


    def api_index(self, specs: list[dict[str, Any]], packages: list[tuple[str, list[tuple[str, str]]]]) -> Page:
        """The API reference landing page: REST specs and Python packages."""
        text = self._render("api_index.md.j2", "reference/index.md", specs=[_Obj(**s) for s in specs], packages=packages)
        return Page("reference/index.md", "API reference", text, "api")


class _Obj:
    """Attribute access over a dict, for templates."""

    def __init__(self, **values: Any):
        self.__dict__.update(values)


def _rel(here: str, target: str) -> str:
    return relative(target, here)


def help_block(env: Environment, support_url: str, page: Page, url: str) -> str:
    """The "Need help?" link for a page, carrying its id, title and URL to the ticket form."""
    query = urlencode({"page_id": page.page_id, "page_title": page.title, "page_url": url})
    return env.get_template("help.md.j2").render(help_url=f"{support_url}/tickets/new?{query}")


def not_found_help_url(support_url: str) -> str:
    """The "Need help?" link of the site's 404 page (the missing page's URL is added in the browser)."""
    return f"{support_url}/tickets/new?" + urlencode({"page_id": "not-found", "page_title": "Page not found"})


def add_help_links(rendered: Rendered, env: Environment, support_url: str, directory_urls: bool) -> None:
    """Append the help link to every page."""
    for page in rendered.pages.values():
        page.markdown = page.markdown.rstrip("\n") + help_block(env, support_url, page, page_url(page.path, directory_urls))


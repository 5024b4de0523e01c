"""Synthetic portals of N pages in realistic proportions, deterministic from a seed.

``make_portal(dest, pages=1000)`` writes a portal folder like this repository's: ``mkdocs.yml``
(Material, ``font: false``, ``navigation.prune``, no mkdocstrings), 6-12 roles, articles of a few
hundred words with headings, code, tables and id links to other articles' sections, runbooks
(about 10 % of the pages), one certification quiz per role and an OpenAPI spec with many
operations. The page count of the built site equals ``pages``.

Run ``python -m bench.synth DEST 1000`` to write one by hand.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench import synth_parts
from bench.text import Words, slug, vocabulary_size

KINDS = ["how-to"] * 4 + ["troubleshooting"] * 3 + ["guide"] * 2 + ["faq", "reference", "concept"]
OWNERS = ["Production Engineering", "Manufacturing IT", "Quality", "Maintenance", "Platform team", "Integration team"]
FIXED_PAGES = 7  # home, roles, KB, runbooks and assessments indexes, API index, API overview
TODAY = dt.date(2026, 6, 1)  # pass as PORTAL_TODAY so review dates never warn


@dataclass
class ArticlePlan:
    """An article's identity and headings, known before any body is written (for links)."""

    id: str
    title: str
    area: str
    roles: list[str]
    topic: list[str]
    headings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def anchors(self) -> list[str]:
        """The section anchors other pages may link to."""
        return [slug(text) for _, text in self.headings]


@dataclass
class Plan:
    """Every source of a synthetic portal, before writing."""

    roles: list[dict]
    articles: list[ArticlePlan]
    runbooks: list[dict]
    api_tags: int


def sizes(pages: int) -> dict[str, int]:
    """How many roles, runbooks, API tags and articles make ``pages`` pages."""
    roles = min(12, max(6, 6 + int(math.log2(max(pages, 100) / 100))))
    runbooks = round(pages * 0.10)
    api_tags = max(3, pages // 100)
    articles = pages - FIXED_PAGES - 2 * roles - runbooks - api_tags
    return {"roles": roles, "runbooks": runbooks, "api_tags": api_tags, "articles": articles}


def _unique(ident: str, taken: set[str]) -> str:
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}-{n}", n + 1
    taken.add(candidate)
    return candidate


def plan_articles(words: Words, count: int, role_ids: list[str], areas: list[str]) -> list[ArticlePlan]:
    """Ids, titles, roles and unique headings of ``count`` articles."""
    rng, taken, out = words.rng, set(role_ids), []
    for _ in range(count):
        topic = words.rare(10)
        title = words.title(topic, 2, 5)
        plan = ArticlePlan(_unique(slug(title)[:60].strip("-"), taken), title, rng.choice(areas),
                           rng.sample(role_ids, rng.choice((1, 1, 2))), topic)
        seen = {slug(title)}
        for level in [2] + [rng.choice((2, 2, 3)) for _ in range(rng.randint(3, 5))]:
            heading = words.title(topic, 2, 4)
            if slug(heading) not in seen:
                seen.add(slug(heading))
                plan.headings.append((level, heading))
        out.append(plan)
    return out


def plan_portal(pages: int, seed: int) -> tuple[Words, Plan]:
    """The whole portal's plan for ``pages`` pages."""
    n = sizes(pages)
    words = Words(random.Random(seed), vocabulary_size(n["articles"]))
    role_ids = [slug(words.title(words.rare(3), 1, 2)) + "-operator" for _ in range(n["roles"])]
    role_ids = [_unique(r, set(role_ids[:i])) for i, r in enumerate(role_ids)]
    areas = sorted({slug(w) for w in words.rare(8)})
    articles = plan_articles(words, n["articles"], role_ids, areas)
    runbooks = [synth_parts.runbook_stub(words, role_ids, i) for i in range(n["runbooks"])]
    roles = [{"id": r, "title": r.replace("-", " ").capitalize()} for r in role_ids]
    return words, Plan(roles, articles, runbooks, n["api_tags"])


def article_front(words: Words, plan: ArticlePlan) -> dict:
    """An article's front matter."""
    rng = words.rng
    return {
        "id": plan.id, "title": plan.title, "kind": rng.choice(KINDS), "roles": plan.roles,
        "tags": sorted(set(rng.sample(plan.topic, rng.randint(1, 3)))), "owner": rng.choice(OWNERS),
        "reviewed": (TODAY - dt.timedelta(days=rng.randint(20, 300))).isoformat(),
        "summary": words.sentence(plan.topic, 8, 14),
    }


def article_body(words: Words, plan: ArticlePlan, portal: Plan) -> str:
    """An article's Markdown: sections with a code block, a table, lists and id links."""
    rng = words.rng
    body = [words.paragraph(plan.topic)]
    extras = rng.sample(range(len(plan.headings)), min(2, len(plan.headings)))
    for i, (level, heading) in enumerate(plan.headings):
        body += ["#" * level + " " + heading, words.paragraph(plan.topic, (1, 4)) + " " + _link(words, portal)]
        if i == extras[0]:
            body.append(synth_parts.code_block(words, plan.topic))
        if len(extras) > 1 and i == extras[1]:
            body.append(synth_parts.table(words, plan.topic))
        if rng.random() < 0.3:
            body.append("\n".join(f"- {words.sentence(plan.topic, 4, 9)}" for _ in range(rng.randint(2, 4))))
    return "\n\n".join(body) + "\n"


def article_text(words: Words, plan: ArticlePlan, portal: Plan) -> str:
    """The Markdown file of one article: front matter, then its body."""
    front = article_front(words, plan)
    return f"---\n{synth_parts.dump(front)}---\n\n" + article_body(words, plan, portal)


def _link(words: Words, portal: Plan) -> str:
    rng = words.rng
    roll = rng.random()
    if roll < 0.1 and portal.runbooks:
        rb = rng.choice(portal.runbooks)
        return f"Follow [{rb['title']}](runbook:{rb['id']}#step-{rng.randint(1, len(rb['steps']))})."
    if roll < 0.15:
        role = rng.choice(portal.roles)
        return f"This is for the [{role['title']}](role:{role['id']})."
    target = rng.choice(portal.articles)
    anchor = f"#{rng.choice(target.anchors)}" if rng.random() < 0.8 else ""
    return f"See [{target.title}](article:{target.id}{anchor})."


def mkdocs_yml(pages: int) -> str:
    """A ``mkdocs.yml`` like the repository's, without mkdocstrings."""
    repo = yaml.safe_load((Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8"))
    repo["site_name"] = f"Synthetic portal ({pages} pages)"
    repo["plugins"] = ["search", {"portal": {
        "content_dir": "content", "quizzes_dir": "quizzes", "support_url": "/support",
        "openapi": [{"id": "synthetic", "path": "content/api/synthetic.yaml"}],
        "review": {"article_interval_days": 365, "warn_before_days": 14},
    }}]
    return yaml.safe_dump(repo, sort_keys=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_portal(dest: Path, pages: int = 1000, seed: int = 42) -> Path:
    """Write a synthetic portal of ``pages`` pages into ``dest`` (created) and return it."""
    words, plan = plan_portal(pages, seed)
    _write(dest / "mkdocs.yml", mkdocs_yml(pages))
    for art in plan.articles:
        _write(dest / "content/articles" / art.area / f"{art.id}.md", article_text(words, art, plan))
    for rb in plan.runbooks:
        rb["related_articles"] = [a.id for a in words.rng.sample(plan.articles, 2)]
        _write(dest / "content/runbooks" / f"{rb['id']}.yml", synth_parts.dump(rb))
    for role in plan.roles:
        mine = [a for a in plan.articles if role["id"] in a.roles]
        runbooks = [r for r in plan.runbooks if role["id"] in r["roles"]]
        _write(dest / "content/roles" / f"{role['id']}.yml", synth_parts.dump(synth_parts.role(words, role, mine, runbooks)))
        _write(dest / "quizzes" / role["id"] / "certification.yml", synth_parts.quiz(words, role, mine))
    _write(dest / "content/api/synthetic.yaml", synth_parts.dump(synth_parts.openapi(words, plan.api_tags)))
    return dest


def main() -> None:
    """``python -m bench.synth DEST PAGES [SEED]``."""
    dest, pages = Path(sys.argv[1]), int(sys.argv[2])
    make_portal(dest, pages, int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    print(f"wrote a {pages}-page portal to {dest}")


if __name__ == "__main__":
    main()

"""Load a portal's sources into validated models, collecting every problem on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from pydantic import BaseModel

from .errors import Problems
from .models import ArticleMeta, Glossary, PortalSettings, Role, Runbook
from .owners import OWNERS_FILE, OwnersFile, load_owners
from .sources import FRONT_MATTER, Document, locate, read_markdown_file, read_yaml_file, validate
from .symlinks import refused_links

M = TypeVar("M", bound=BaseModel)
GLOSSARY_FILES = ("glossary.yml", "glossary.yaml")
ID_LINE = re.compile(r"""^id:[ \t]*["']?([a-z0-9][a-z0-9-]*)["']?[ \t]*(?:#.*)?\r?$""", re.M)


@dataclass
class Source(Generic[M]):
    """A validated model together with the document it came from (for locations)."""

    model: M
    doc: Document

    @property
    def path(self) -> str:
        """The source file, relative to the portal folder."""
        return self.doc.path

    def where(self, *loc: Any, key: bool = False) -> tuple[int, int]:
        """Line and column of a field of this source."""
        return locate(self.doc.data, tuple(loc), self.doc.line_offset, key=key)


@dataclass
class Portal:
    """Everything a portal's sources say, validated, keyed by id."""

    root: Path
    settings: PortalSettings
    roles: dict[str, Source[Role]] = field(default_factory=dict)
    articles: dict[str, Source[ArticleMeta]] = field(default_factory=dict)
    runbooks: dict[str, Source[Runbook]] = field(default_factory=dict)
    quizzes: dict[str, Source[Any]] = field(default_factory=dict)
    glossary: Source[Glossary] | None = None
    """``content/glossary.yml`` when there is one and it is valid."""
    owners: OwnersFile | None = None
    """``owners.yml`` (owner -> mail addresses) when there is one and it is valid."""
    article_paths: dict[str, str] = field(default_factory=dict)
    """Article id -> page path relative to the content folder (e.g. ``articles/ops/x.md``)."""
    invalid: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of sources left out for their own errors: not "unknown" where referenced."""
    unread_kinds: set[str] = field(default_factory=set)
    """Kinds with a source that could not be read and whose id is not known: no id of these is "unknown"."""
    left_out_pages: set[str] = field(default_factory=set)
    """Article files (relative to the content folder) left out for their errors: links to them are not "broken"."""

    def left_out(self, kind: str, ident: str) -> bool:
        """Whether a source of this kind and id may exist but was left out for its own errors."""
        return (kind, ident) in self.invalid or kind in self.unread_kinds

    @property
    def content_dir(self) -> Path:
        """The folder of Markdown and YAML content (MkDocs' docs_dir)."""
        return self.root / self.settings.content_dir

    @property
    def quizzes_dir(self) -> Path:
        """The folder of quiz sources."""
        return self.root / self.settings.quizzes_dir


def rel(root: Path, file: Path) -> str:
    """A path relative to the portal folder, with forward slashes, for messages."""
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def load_portal(root: Path, settings: PortalSettings, problems: Problems) -> Portal:
    """Read and validate every source under the portal folder.

    Problems (syntax, schema, duplicate ids) are recorded in ``problems``; sources that fail
    validation are left out, so later stages only ever see valid models.
    """
    portal = Portal(root=root, settings=settings)
    content = portal.content_dir
    refused = _refuse_links(root, [content, portal.quizzes_dir], problems)
    if content in refused:
        return portal
    if not content.is_dir():
        problems.add("mkdocs.yml", 0, 0, f"content folder '{settings.content_dir}' does not exist: create it or set plugins.portal.content_dir")
        return portal
    for file in _files(content / "roles", ("*.yml", "*.yaml"), refused):
        _add(portal.roles, _load_yaml(root, file, Role, problems, portal, "role"), "role", problems)
    for file in _files(content / "runbooks", ("*.yml", "*.yaml"), refused):
        _add(portal.runbooks, _load_yaml(root, file, Runbook, problems, portal, "runbook"), "runbook", problems)
    for file in sorted(set(content.rglob("*.md")) - refused):
        source = _load_article(root, file, problems, portal)
        if _add(portal.articles, source, "article", problems) and source:
            portal.article_paths[source.model.id] = file.relative_to(content).as_posix()
        else:
            portal.left_out_pages.add(file.relative_to(content).as_posix())
    for file in _files(content, GLOSSARY_FILES, refused)[:1]:
        portal.glossary = _load_yaml(root, file, Glossary, problems, portal, "glossary")
    for file in _files(portal.quizzes_dir, ("**/*.yml", "**/*.yaml"), refused):
        _add(portal.quizzes, _load_quiz(root, file, problems, portal), "assessment", problems)
    if root / OWNERS_FILE not in refused:
        portal.owners, _ = load_owners(root / OWNERS_FILE, OWNERS_FILE, problems)
    return portal


def _refuse_links(root: Path, folders: list[Path], problems: Problems) -> set[Path]:
    """Report the symbolic links under the source folders that leave the portal, dangle or loop; those links."""
    refused: dict[Path, str] = {}
    for folder in folders:
        if folder.is_dir() or folder.is_symlink():
            refused.update(refused_links(root, folder))
    for link, message in refused.items():
        problems.add(rel(root, link), 0, 0, message)
    return set(refused)


def _files(folder: Path, patterns: tuple[str, ...], refused: set[Path]) -> list[Path]:
    if folder in refused or not folder.is_dir():
        return []
    return sorted({f for pattern in patterns for f in folder.glob(pattern) if f.is_file()} - refused)


def _load_yaml(root: Path, file: Path, model: type[M], problems: Problems, portal: Portal, kind: str) -> Source[M] | None:
    doc = read_yaml_file(file, rel(root, file), problems)
    return _validated(doc, file, lambda d: validate(model, d, problems), portal, kind)


def _load_article(root: Path, file: Path, problems: Problems, portal: Portal) -> Source[ArticleMeta] | None:
    doc = read_markdown_file(file, rel(root, file), problems)
    return _validated(doc, file, lambda d: validate(ArticleMeta, d, problems), portal, "article")


def _load_quiz(root: Path, file: Path, problems: Problems, portal: Portal) -> Source[Any] | None:
    from .quizzes import validate_quiz

    doc = read_yaml_file(file, rel(root, file), problems)
    return _validated(doc, file, lambda d: validate_quiz(d, problems), portal, "assessment")


def _validated(doc: Document | None, file: Path, check: Callable[[Document], M | None], portal: Portal, kind: str) -> Source[M] | None:
    """The source when ``check`` finds it valid; else remember it as left out (its problems are recorded)."""
    if doc is None:
        _unread(file, kind, portal)
        return None
    valid = check(doc)
    if valid is None:
        ident = doc.data.get("id")
        if isinstance(ident, str):
            portal.invalid.add((kind, ident))
        return None
    return Source(valid, doc)


def _unread(file: Path, kind: str, portal: Portal) -> None:
    """A source that could not be read: left out by the id its text names, else (id unknown) its whole kind."""
    try:
        text = file.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        text = ""
    if file.suffix == ".md":  # only the front matter names the id; the body may show YAML
        front = FRONT_MATTER.match(text)
        text = (front.group(1) or "") if front else ""
    found = ID_LINE.search(text)
    if found:
        portal.invalid.add((kind, found.group(1)))
    else:
        portal.unread_kinds.add(kind)


def _add(table: dict[str, Source[Any]], source: Source[Any] | None, kind: str, problems: Problems) -> bool:
    if source is None:
        return False
    ident = source.model.id
    if ident in table:
        first = table[ident]
        line, col = source.where("id")
        first_line, _ = first.where("id")
        problems.add(source.path, line, col, f"duplicate {kind} id '{ident}': already used by {first.path}:{first_line}; give each {kind} its own id")
        return False
    table[ident] = source
    return True

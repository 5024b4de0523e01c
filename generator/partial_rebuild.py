"""Quick page updates for ``portal serve``: render only the pages an edit changed.

A whole-site MkDocs build of a large portal takes many seconds (Markdown and theme rendering of
every page), so a saved edit used to show up only after all of it. When an edit changes some
pages' Markdown but neither the nav nor the set of pages, each page's HTML depends only on its
own Markdown, the nav and its neighbours' titles: those pages are rendered alone with MkDocs' own
page functions and moved into the live site one by one. ``portal serve`` then rebuilds the whole
site as before (search index, KB export), so the site ends up exactly as a full build makes it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from pathlib import Path

import click
import jinja2

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_markdown_title

from . import body_edit, plugin
from .build import check, load_mkdocs_config
from .errors import Problems
from .pipeline import Result
from .render import Rendered

MAX_PAGES = 50  # more changed pages than this: the whole-site build is about as quick


class QuickUpdateSkipped(Exception):
    """The pages could not be rendered alone (MkDocs warned or failed); the whole-site build decides."""


def changed_pages(before: Rendered, after: Rendered) -> list[str] | None:
    """Pages whose Markdown or title changed; None when the nav or the set of pages changed."""
    if before.nav != after.nav or before.pages.keys() != after.pages.keys():
        return None
    return [path for path, page in after.pages.items()
            if page.markdown != before.pages[path].markdown or page.title != before.pages[path].title]


def render_pages(root: Path, result: Result, paths: list[str], site: Path, config: MkDocsConfig | None = None) -> int:
    """Render ``paths`` of ``result`` with MkDocs into a scratch folder, then move each into ``site``.

    ``config``: the portal's config as just loaded (not yet through the plugins), to save loading it again.
    """
    with tempfile.TemporaryDirectory(prefix=f".{site.name}.quick-", dir=site.parent) as scratch:
        if config is None:
            config = load_mkdocs_config(root, site_dir=scratch)
        else:
            config.site_dir = scratch
        plugin.PRECOMPUTED[config.config_file_path] = result
        try:
            built = _render(config, set(paths))
        finally:
            plugin.PRECOMPUTED.pop(config.config_file_path, None)
        for file in built:
            target = site / file.dest_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file.abs_dest_path, target)
    return len(built)


def warm(root: Path, result: Result) -> None:
    """Render the home page into a throwaway folder, so the first edit does not wait for the theme to be made (about 1 s)."""
    with tempfile.TemporaryDirectory(prefix=".portal-warm-") as scratch:
        try:
            render_pages(root, result, ["index.md"], Path(scratch) / "site")
        except Exception:  # noqa: BLE001 - only a head start: the first update makes the theme itself
            pass


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != plugin.log.name:  # the portal's own warnings (an overdue review) were reported by the check
            self.count += 1


def _render(config: MkDocsConfig, paths: set[str]) -> list[File]:
    """The steps of ``mkdocs.commands.build.build`` that one page's HTML depends on, for ``paths`` only."""
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env, theme_files = _theme(config)
        for path, folder in theme_files:
            if files.get_file_from_path(path) is None:
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        pages = [f.page for f in files.documentation_pages() if f.src_uri in paths and f.page is not None]
        for page in pages:
            _populate_page(page, config, files)
        _title_neighbours(pages, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        doc_files = files.documentation_pages()
        for page in pages:
            _build_page(page, config, doc_files, nav, env)
    except Exception as exc:
        raise QuickUpdateSkipped(str(exc)) from exc
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    if warnings.count:
        raise QuickUpdateSkipped(f"MkDocs logged {warnings.count} warning(s)")
    return [page.file for page in pages]


_THEMES: dict[tuple[str, ...], tuple[jinja2.Environment, list[tuple[str, str]]]] = {}


def _theme(config: MkDocsConfig) -> tuple[jinja2.Environment, list[tuple[str, str]]]:
    """The theme's Jinja environment and static files, made once per theme for the whole ``portal serve``.

    A new environment compiles every template again, and listing the theme's files walks its
    thousands of icons: together most of an update's time on a small portal (templates are not
    watched; ``mkdocs.yml`` changes rebuild the whole site, which does not use this).
    """
    key = tuple(map(str, config.theme.dirs))
    if key not in _THEMES:
        env, listed = config.theme.get_env(), Files([])
        listed.add_files_from_theme(env, config)
        _THEMES[key] = env, [(f.src_uri, f.src_dir) for f in listed if f.src_dir is not None]
    return _THEMES[key]


PLAIN_TITLE = re.compile(r"[\w .,:;()/!?+]+")  # text that Markdown renders as itself (no markup, entities, smart quotes)


def _title_neighbours(pages: list[Page], config: MkDocsConfig, files: Files) -> None:
    """Give the previous and next pages that have no nav title the title a full build finds in them.

    That title is the text of the page's first heading. Reading the source gives it straight away
    when the heading is plain text; rendering the page (a long index page takes seconds) only when not.
    """
    for page in pages:
        for other in (page.previous_page, page.next_page):
            if other is None or other.title is not None or other in pages:
                continue
            other.read_source(config)
            title = get_markdown_title(other.markdown or "")
            if title is None or not PLAIN_TITLE.fullmatch(title) or "--" in title:
                _populate_page(other, config, files)


def update(root: Path, shown: Result | None, site: Path, changed: list[Path] | None = None) -> tuple[Result | None, bool]:
    """Run the core and publish the pages that changed since ``shown`` (what the site shows).

    ``changed``: the files that changed since ``shown``; when they are articles whose bodies alone
    changed, only those are read and rendered again (:mod:`generator.body_edit`), not every source.
    Returns the new result (None when the core could not run) and whether pages were published.
    Errors are printed at once and nothing is published: the result then carries them, and the
    site stays as it was (a whole-site build would stop at the same errors).
    """
    started = time.perf_counter()
    try:
        config = load_mkdocs_config(root)
        settings = config.plugins["portal"].settings  # type: ignore[attr-defined]
        result = body_edit.apply(shown, changed, settings, config.site_name, config.use_directory_urls) if shown and changed else None
        if result is None:
            checked = check(root, quick=True)
            config, result = checked.config, checked.result
    except Exception:  # noqa: BLE001 - best effort: the whole-site build that follows reports it as before
        return None, False
    if result.problems.errors:
        errors = Problems()
        errors.extend(result.problems.errors)
        click.echo(f"portal serve: the site was not updated; the previous site is unchanged\n{errors.report('portal serve')}", err=True)
        return result, False
    paths = changed_pages(shown.rendered, result.rendered) if shown is not None else None
    if not paths or len(paths) > MAX_PAGES:
        return result, False
    try:
        count = render_pages(root, result, paths, site, config)
    except Exception:  # noqa: BLE001 - QuickUpdateSkipped or a config problem: left to the whole-site build
        return result, False
    click.echo(f"portal serve: {count} changed page(s) updated in {time.perf_counter() - started:.2f} s", err=True)
    return result, True

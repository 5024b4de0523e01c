"""The MkDocs plugin ``portal``: runs the core inside ``mkdocs build`` and ``mkdocs serve``.

It validates the portal's settings with pydantic, runs :func:`generator.pipeline.generate`,
aborts the build with every located problem when there are errors, replaces the source files
with the rendered pages, sets the nav, and writes the exports for the support backend.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from pydantic import ValidationError
from pymdownx.superfences import fence_code_format

from .errors import did_you_mean
from .load import GLOSSARY_FILES
from .template_whitespace import ThemeWhitespace
from .models import PortalSettings
from .glossary import search_keywords
from .pipeline import Result, generate
from .render import not_found_help_url
from .pagefind_index import write_pagefind
from .search import INDEX_FILE, held_index, read_index, search_plugin, tune, use_portal_worker, write_index

log = logging.getLogger("mkdocs.plugins.portal")
THEME_DIR = Path(__file__).parent / "theme"
MERMAID_JS = Path(__file__).parent / "vendor" / "mermaid" / "mermaid.min.js"
MERMAID_URI = "assets/vendor/mermaid.min.js"
REQUIRED_EXTENSIONS = ("attr_list", "def_list", "md_in_html", "admonition", "tables", "toc", "pymdownx.superfences", "pymdownx.tasklist")

#: Results computed by the ``portal`` CLI before it runs MkDocs, keyed by config file path,
#: so a ``portal build`` runs the core once and not twice.
PRECOMPUTED: dict[str, Result] = {}


class PortalPlugin(BasePlugin):  # type: ignore[type-arg]
    """Hooks the portal pipeline into MkDocs."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.settings = PortalSettings()
        self.result: Result | None = None
        self.exports: dict[str, str] = {}
        self.keywords: dict[str, list[str]] = {}
        self.search_index: dict[str, Any] | None = None  # the search plugin's, between the two on_post_build steps

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None) -> tuple[list[Any], list[Any]]:
        """Validate the plugin's options with the :class:`PortalSettings` model."""
        try:
            self.settings = PortalSettings.model_validate(options)
        except ValidationError as exc:
            return [_option_error(e) for e in exc.errors(include_url=False)], []
        return [], []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Run the core, stop on errors, and set the nav, theme styles and extensions."""
        root = Path(config.config_file_path).parent
        self.result = PRECOMPUTED.pop(config.config_file_path, None) or generate(
            root, self.settings, config.site_name, config.use_directory_urls
        )
        problems = self.result.problems
        if problems.errors:
            raise PluginError("portal: the sources have errors\n" + problems.report("portal"))
        for warning in problems.warnings:
            log.warning(warning.format())
        self.exports = self.result.exports
        self.keywords = search_keywords(self.result.portal, config.use_directory_urls)
        config.nav = self.result.rendered.nav
        config.theme.dirs.insert(0, str(THEME_DIR))
        features = config.theme.get("features") or []
        if config.theme.name == "material" and "navigation.prune" not in features:
            # Without pruning every page carries the whole nav: quadratic build time and size.
            config.theme["features"] = [*features, "navigation.prune"]
        if config.theme.name == "material" and config.theme.get("font") is not False:
            log.warning("portal: set 'theme.font: false' in mkdocs.yml: the theme's default fonts load from an outside host")
        if "assets/portal.css" not in [str(c) for c in config.extra_css]:
            config.extra_css.append("assets/portal.css")
        if "assets/portal.js" not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append("assets/portal.js")
        config.extra["portal_help_url"] = not_found_help_url(self.settings.support_url)
        config.extra["portal_api"] = api_base(self.settings.support_url)
        if config.theme.name == "material" and not config.extra.get("analytics"):
            config.extra["analytics"] = feedback_widget(self.settings.support_url)
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        _add_theme_needs(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Replace the source files with the rendered pages; keep images and other assets.

        The core's result is let go here: MkDocs holds the pages now, and the sources (parsed
        YAML with every position) were the largest part of the build's peak memory at 10,000 pages.
        """
        assert self.result is not None
        kept = Files([f for f in files if not self._is_source(f)])
        for page in self.result.rendered.pages.values():
            kept.append(File.generated(config, page.path, content=page.markdown))
        if any(has_diagram(page.markdown) for page in self.result.rendered.pages.values()):
            kept.append(File.generated(config, MERMAID_URI, abs_src_path=str(MERMAID_JS)))
        self.result = None
        # written now (MkDocs has cleaned the site folder), not held through the build: the KB export is ~4 MiB per 1,000 pages
        write_exports(Path(config.site_dir), self.exports)
        self.exports = {}
        return kept

    def _is_source(self, file: File) -> bool:
        return is_source(file.src_uri)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Load the theme's templates without their indentation (see ``generator.template_whitespace``)."""
        env.add_extension(ThemeWhitespace)
        return env

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        """Point the page's search box at the portal's worker (``generator.search``)."""
        return use_portal_worker(output)

    @event_priority(100)  # before the search plugin writes its index
    def _index_before_search(self, *, config: MkDocsConfig) -> None:
        """Take the search plugin's entries, so that it writes its config alone and the portal writes the tuned index.

        Its file would only be replaced, and writing it held the whole index's text twice more (at 10,000 pages,
        the build's peak memory: docs/performance.md). A ``--dirty`` build keeps the entries for its next one.
        """
        search = search_plugin(config.plugins.values())
        if search is None or getattr(search, "is_dirty", False) or not getattr(search.config, "enabled", True):
            return
        self.search_index = held_index(search)
        search.search_index.entries = []

    @event_priority(-50)  # after the search plugin has written its file, before Material's offline plugin inlines it
    def _index_after_search(self, *, config: MkDocsConfig) -> None:
        """The tuned search index: Pagefind's bundles and Material's config, or Material's whole index."""
        site = Path(config.site_dir)
        index, self.search_index = self.search_index, None
        if not (site / INDEX_FILE).is_file():  # no search plugin, or it is disabled
            return
        if index is None:  # a --dirty build, or a search plugin other than Material's: its file
            index = read_index(site)
        support = self.settings.support_url.rstrip("/")
        tune(index, self.keywords, api_base(support), f"{support}/tickets/new")
        # large sites: Pagefind's chunked index instead of Material's whole one
        if not write_pagefind(site, index, self.settings.search_index):
            write_index(site, index)

    on_post_build = CombinedEvent(_index_before_search, _index_after_search)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a quiz changes (the content folder is MkDocs' docs_dir, already watched)."""
        quizzes = Path(config.config_file_path).parent / self.settings.quizzes_dir
        if quizzes.is_dir():
            server.watch(str(quizzes))
        return server


def write_exports(site: Path, exports: dict[str, str]) -> None:
    """Write the exports (the KB and glossary for the support backend) into the site folder."""
    for rel, text in exports.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def is_source(uri: str) -> bool:
    """Whether a file of the content folder is a source the core renders (not an image or other asset)."""
    if uri.endswith(".md"):
        return True
    return uri in GLOSSARY_FILES or uri.split("/", 1)[0] in ("roles", "runbooks") and uri.endswith((".yml", ".yaml"))


def has_diagram(markdown: str) -> bool:
    """Whether a page has a Mermaid block (then the site serves the vendored Mermaid script)."""
    return "```mermaid" in markdown or "~~~mermaid" in markdown


def _add_theme_needs(config: MkDocsConfig) -> None:
    """Content tabs (the REST request samples), the theme's copy button for code, Mermaid fences."""
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    if not any(fence.get("name") == "mermaid" for fence in fences):
        fences.append({"name": "mermaid", "class": "mermaid", "format": fence_code_format})
    config.extra["portal_mermaid_js"] = MERMAID_URI
    if "pymdownx.tabbed" not in config.markdown_extensions:
        config.markdown_extensions.append("pymdownx.tabbed")
        config.mdx_configs["pymdownx.tabbed"] = {"alternate_style": True}
    features = config.theme.get("features") or []
    if config.theme.name == "material" and "content.code.copy" not in features:
        config.theme["features"] = [*features, "content.code.copy"]


def _option_error(error: Any) -> tuple[str, Exception]:
    """One invalid plugin option as MkDocs reports it, with a did-you-mean for unknown names."""
    key = ".".join(map(str, error["loc"])) or "portal"
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1])
        hint = did_you_mean(name, PortalSettings.model_fields) if len(error["loc"]) == 1 else ""
        return key, PluginError(f"unknown option '{name}'{hint}")
    return key, PluginError(error["msg"])


def api_base(support_url: str) -> str:
    """The support backend's JSON API beside its pages: ``/support`` -> ``/api``."""
    base = support_url.rstrip("/")
    return (base.rsplit("/", 1)[0] if base.endswith("/support") else base) + "/api"


def feedback_widget(support_url: str) -> dict[str, Any]:
    """Material's "Was this page helpful?" on every page, sent to the support backend's ``/api/feedback``.

    The backend's API sits beside its pages (``/support`` -> ``/api``); a page can leave the widget out
    with ``hide: [feedback]`` in its front matter.
    """
    comment = ('<span class="portal-feedback-comment" hidden><label>What was missing or wrong? (optional)'
               '<textarea rows="3" maxlength="2000"></textarea></label><button type="button" class="md-button">Send</button></span>')
    return {"provider": "portal", "endpoint": f"{api_base(support_url)}/feedback", "feedback": {
        "title": "Was this page helpful?",
        "ratings": [
            {"icon": "material/emoticon-happy-outline", "name": "This page was helpful", "data": 5,
             "note": "Thanks for your feedback. " + comment},
            {"icon": "material/emoticon-sad-outline", "name": "This page could be improved", "data": 1,
             "note": "Thanks for telling us. " + comment},
        ]}}


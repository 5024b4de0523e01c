"""The baseline for ``portal build``: the same rendered Markdown and nav as a plain MkDocs project.

The portal plugin adds, at config time, the nav, its stylesheet and the Markdown extensions it
needs; the bare project writes all of those into ``mkdocs.yml`` and ``docs/`` instead, so a bare
``mkdocs build`` does the same theme and Markdown work without any portal code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from generator.build import check
from generator.plugin import REQUIRED_EXTENSIONS, THEME_DIR


def _extensions(configured: list) -> list:
    names = [e if isinstance(e, str) else next(iter(e)) for e in configured]
    return list(configured) + [e for e in REQUIRED_EXTENSIONS if e not in names]


def _is_source(uri: str) -> bool:
    """The files the plugin replaces with rendered pages (``PortalPlugin._is_source``); others are copied."""
    return uri.endswith(".md") or (uri.split("/", 1)[0] in ("roles", "runbooks") and uri.endswith((".yml", ".yaml")))


def bare_project(portal: Path, dest: Path) -> Path:
    """Write the portal's rendered pages, nav and theme settings into a plain MkDocs project at ``dest``."""
    checked = check(portal)
    source = yaml.safe_load((portal / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = dest / "docs"
    content = portal / checked.result.portal.settings.content_dir
    for file in content.rglob("*"):
        if file.is_file() and not _is_source(file.relative_to(content).as_posix()):
            target = docs / file.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
    for page in checked.result.rendered.pages.values():
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    shutil.copytree(THEME_DIR, docs, dirs_exist_ok=True)
    config = {k: v for k, v in source.items() if k not in ("plugins", "docs_dir", "site_dir")}
    config.update(docs_dir="docs", site_dir="site", plugins=["search"], nav=checked.result.rendered.nav,
                  extra_css=[*source.get("extra_css", []), "assets/portal.css"],
                  markdown_extensions=_extensions(source.get("markdown_extensions", [])))
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return dest

"""``portal build --engine zensical``: the portal as a plain docs project, built by Zensical.

Zensical (the successor of Material for MkDocs, by its authors) reads ``mkdocs.yml`` but runs no
MkDocs plugins, so the portal plugin's work is done beforehand: the core's rendered pages, the nav
and every setting the plugin adds at config time (theme overrides, styles, Markdown extensions,
the feedback widget) are written into a scratch folder beside the site, ``zensical build`` builds
it, the backend's exports (``_portal/kb.json``, the glossary) are added as with MkDocs, and the new
site is swapped in only when all of that succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from . import plugin
from .build import CONFIG_FILE, Checked, PortalError, check, load_mkdocs_config, swap
from .errors import Problems

ENV_VAR = "PORTAL_ZENSICAL"
"""The ``zensical`` command to run, when it is not on PATH (e.g. in a virtualenv of its own)."""
OWN_PLUGINS = {"portal", "search"}  # the portal's work is done beforehand; Zensical has its own search


def zensical_command() -> str:
    """The ``zensical`` executable: ``PORTAL_ZENSICAL``, else the one on PATH; a clear error if neither."""
    named = os.environ.get(ENV_VAR)
    if named:
        if shutil.which(named) is None:
            raise PortalError(f"{ENV_VAR}={named}: no such executable: point it at the 'zensical' command")
        return named
    found = shutil.which("zensical")
    if found is None:
        raise PortalError("--engine zensical: the 'zensical' command was not found on PATH: install it "
                          f"(pip install zensical==0.0.73, best in a virtualenv of its own) or set {ENV_VAR} to its path")
    return found


def build(root: Path, strict: bool = False, site_dir: Path | None = None) -> Problems:
    """Check, write the plain project, build it with Zensical into a new folder, add the exports, swap."""
    root = root.resolve()
    command = zensical_command()
    checked = check(root)
    problems = checked.result.problems.promoted(strict)
    if problems.errors:
        raise PortalError("the site was not built; the previous site is unchanged\n" + problems.report("portal build"))
    final = Path(site_dir or checked.config.site_dir).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{final.name}.zensical-", dir=final.parent) as scratch:
        project = write_project(root, checked, Path(scratch))
        ran = subprocess.run([command, "build", "--clean", "-f", str(project / CONFIG_FILE)] + (["--strict"] if strict else []),
                             cwd=project, capture_output=True, text=True)
        site = project / "site"  # Zensical writes only inside its project folder
        if ran.returncode != 0 or not (site / "index.html").is_file():
            output = (ran.stdout + ran.stderr).strip()[-3000:]
            raise PortalError(f"the site was not built; the previous site is unchanged\nzensical build failed ({ran.returncode}):\n{output}")
        for rel, text in checked.result.exports.items():
            _write(site / rel, text)
        swap(site, final)
    return problems


def write_project(root: Path, checked: Checked, dest: Path) -> Path:
    """Write the portal as a plain project in ``dest`` (docs/, overrides/, mkdocs.yml) that builds into ``dest/site``."""
    shutil.rmtree(dest, ignore_errors=True)
    docs = dest / "docs"
    _copy_assets(root / checked.result.portal.settings.content_dir, docs)
    for page in checked.result.rendered.pages.values():
        _write(docs / page.path, page.markdown)
    shutil.copytree(plugin.THEME_DIR / "assets", docs / "assets", dirs_exist_ok=True)
    shutil.copytree(plugin.THEME_DIR, dest / "overrides", ignore=shutil.ignore_patterns("assets"))
    if any(plugin.has_diagram(p.markdown) for p in checked.result.rendered.pages.values()):
        target = docs / plugin.MERMAID_URI
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(plugin.MERMAID_JS, target)
    text = yaml.dump(project_config(root, checked, docs), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    (dest / CONFIG_FILE).write_text(text, encoding="utf-8")
    return dest


def project_config(root: Path, checked: Checked, docs: Path) -> dict[str, Any]:
    """``mkdocs.yml`` of the plain project: the settings as the portal plugin leaves them at config time."""
    config = load_mkdocs_config(root)
    plugin.PRECOMPUTED[config.config_file_path] = checked.result
    try:
        config = config.plugins["portal"].on_config(config)
    finally:
        plugin.PRECOMPUTED.pop(config.config_file_path, None)
    theme = {k: v for k, v in config.theme.items() if k not in ("locale", "direction") and v is not None}
    raw = yaml.safe_load((root / CONFIG_FILE).read_text(encoding="utf-8")) or {}
    plugins = [p for p in raw.get("plugins", []) if (p if isinstance(p, str) else next(iter(p))) not in OWN_PLUGINS]
    out: dict[str, Any] = {
        "site_name": config.site_name, "site_description": config.site_description, "site_url": config.site_url,
        "docs_dir": "docs", "site_dir": "site", "use_directory_urls": config.use_directory_urls,
        "theme": {**theme, "custom_dir": "overrides"}, "nav": config.nav,
        "markdown_extensions": _extensions(config.markdown_extensions, config.mdx_configs),
        "extra_css": [str(c) for c in config.extra_css], "extra_javascript": [str(s) for s in config.extra_javascript],
        "extra": dict(config.extra), "plugins": _absolute_paths(plugins, root),
    }
    return {k: v for k, v in out.items() if v is not None}


def _extensions(names: list[str], configs: dict[str, Any]) -> list[Any]:
    """The Markdown extensions, with their options; Python objects (Mermaid's fence formatter) as YAML tags Zensical reads."""
    out: list[Any] = []
    for name in names:
        options = configs.get(name)
        if name == "pymdownx.superfences" and options:
            fences = [{**f, "format": _PythonName(f"{f['format'].__module__}.{f['format'].__name__}")}
                      for f in options.get("custom_fences", [])]
            options = {**options, "custom_fences": fences}
        out.append({name: options} if options else name)
    return out


def _absolute_paths(plugins: list[Any], root: Path) -> list[Any]:
    """mkdocstrings' ``paths`` are relative to the portal folder; the plain project lives elsewhere."""
    out = []
    for entry in plugins:
        if isinstance(entry, dict) and "mkdocstrings" in entry:
            handlers = (entry["mkdocstrings"] or {}).get("handlers", {})
            for handler in handlers.values():
                if isinstance(handler, dict) and "paths" in handler:
                    handler["paths"] = [str((root / p).resolve()) for p in handler["paths"]]
        out.append(entry)
    return out


def _copy_assets(content: Path, docs: Path) -> None:
    """Images and other files of the content folder (not the sources the core renders)."""
    for file in content.rglob("*"):
        rel = file.relative_to(content).as_posix()
        if file.is_file() and not plugin.is_source(rel):
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)


class _PythonName(str):
    """A Python object named in YAML as MkDocs and Zensical read it: ``!!python/name:module.name``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_PythonName, lambda dumper, name: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{name}", ""))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

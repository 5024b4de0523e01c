"""Python API reference: one mkdocstrings page per module of each package named in the settings."""

from __future__ import annotations

from pathlib import Path

from .errors import Problems
from .render import Page


def find_package(root: Path, search: list[str], package: str) -> Path | None:
    """The folder of an importable package under one of the search paths, or None."""
    for base in search:
        folder = (root / base / package.replace(".", "/")).resolve()
        if (folder / "__init__.py").is_file():
            return folder
    return None


def module_names(folder: Path, package: str) -> list[str]:
    """Dotted names of the package and its public modules, sorted, private ones left out."""
    names = []
    for file in sorted(folder.rglob("*.py")):
        parts = list(file.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or "tests" in parts:
            continue
        names.append(".".join([package, *parts]))
    return names


def python_pages(root: Path, packages: list[str], search: list[str], problems: Problems) -> dict[str, list[tuple[str, Page]]]:
    """For each package, its modules and their pages (``::: module`` for mkdocstrings)."""
    out: dict[str, list[tuple[str, Page]]] = {}
    for package in packages:
        folder = find_package(root, search, package)
        if folder is None:
            problems.add("mkdocs.yml", 0, 0, f"plugins.portal.python_packages: package '{package}' not found under {', '.join(search)} (set python_paths)")
            continue
        out[package] = []
        for module in module_names(folder, package):
            path = f"reference/python/{module.replace('.', '/')}.md"
            out[package].append((module, Page(path, module, f"::: {module}\n", f"python:{module}")))
    return out

"""The code's layout rules, read from the imports themselves (every ``import``, also those inside functions).

- ``generator/`` imports nothing from ``support/``; the ``portal`` command gathers both halves through entry points.
- No import circles in either half.
- The backend's domains (``accounts``, ``kb``, ``tickets``, ``assessments``, ``notifications``) reach each other only through the
  other domain's ``service`` module; no route module imports another route module; the web layer
  (``support/web``) imports no domain except through its ``service``; the database layer (``support/db``) and
  the shared kernel (``support/*.py`` but the composition roots ``ROOTS``) import no domain at all; routes reach
  their domain only through its service (and its schemas, forms and dependencies).
- The backend never loads MkDocs' configuration.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("generator", "support")
DOMAINS = ("accounts", "kb", "tickets", "assessments", "notifications")
ROOTS = ("app", "cli", "migrations", "context", "server")  # the composition roots: they gather every domain's routes, commands, tables
ROUTE_MAY_USE = ("service", "schemas", "forms", "deps")  # of its own domain


def module_name(path: Path) -> str:
    """``support/tickets/service.py`` -> ``support.tickets.service`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of both halves by dotted name."""
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The project modules ``name`` imports, with the line of each import (``from a import b`` counts ``a.b`` if it is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((full if full in known else base, node.lineno))
    return [(target, line) for target, line in found if target.split(".")[0] in PACKAGES and target in known]


def graph() -> dict[str, list[tuple[str, int]]]:
    """Module -> the project modules it imports."""
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def where(name: str, line: int) -> str:
    """``path:line`` of an import, for the failure message."""
    return f"{modules()[name].relative_to(ROOT)}:{line}"


def layer(name: str) -> tuple[str, str]:
    """(domain or layer, module within it) of a backend module: ``support.tickets.routes.api`` -> ('tickets', 'routes.api')."""
    parts = name.split(".")
    if len(parts) < 2:
        return "", ""
    return parts[1], ".".join(parts[2:])


def is_routes(name: str) -> bool:
    """True for a route module (``routes.py`` or anything in a ``routes`` package)."""
    return "routes" in name.split(".")[2:]


def test_the_generator_imports_nothing_from_the_backend() -> None:
    """The build half stands alone; ``portal`` finds the backend's commands through entry points."""
    bad = [f"{where(m, line)}: {m} imports {t}" for m, targets in graph().items() if m.startswith("generator")
           for t, line in targets if t.startswith("support")]
    assert not bad, "\n".join(bad)


def test_there_are_no_import_circles() -> None:
    """No module imports, directly or through others, a module that imports it."""
    edges = {m: sorted({t for t, _ in targets if t != m}) for m, targets in graph().items()}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in edges.get(node, []):
            if state.get(target) == 1:
                circles.append(path[path.index(target):] + [target] if target in path else [node, target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_domains_meet_only_through_their_services() -> None:
    """A domain or the web layer reaches another domain only through ``<domain>.service``; the database layer and
    the shared kernel (``support/*.py`` but the composition roots) reach no domain at all."""
    bad = []
    for module, targets in graph().items():
        own, _ = layer(module)
        if not module.startswith("support.") or own in ROOTS:
            continue
        for target, line in targets:
            other, inner = layer(target)
            if other not in DOMAINS or other == own:
                continue
            if own not in (*DOMAINS, "web") or inner != "service":
                bad.append(f"{where(module, line)}: {module} imports {target} (use support.{other}.service)")
    assert not bad, "\n".join(bad)


def test_routes_import_no_other_routes_and_no_storage() -> None:
    """A route module imports no other route module, and of its own domain only the service, schemas, forms and deps."""
    bad = []
    for module, targets in graph().items():
        if not module.startswith("support.") or not is_routes(module):
            continue
        for target, line in targets:
            if target.startswith("support.") and is_routes(target) and target != module:
                bad.append(f"{where(module, line)}: route module {module} imports route module {target}")
            other, inner = layer(target)
            if target.startswith("support.db") or (other == layer(module)[0] and not is_routes(target) and inner not in ROUTE_MAY_USE):
                bad.append(f"{where(module, line)}: route module {module} imports {target} (go through the service)")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("forbidden", ["mkdocs", "generator.build", "generator.plugin"])
def test_the_backend_does_not_load_mkdocs(forbidden: str) -> None:
    """The backend finds the quiz and role sources from its settings, never from ``mkdocs.yml``."""
    bad = []
    for name, path in modules().items():
        if not name.startswith("support"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            bad += [f"{path.relative_to(ROOT)}:{node.lineno}: imports {n}" for n in names if n == forbidden or n.startswith(forbidden + ".")]
    assert not bad, "\n".join(bad)

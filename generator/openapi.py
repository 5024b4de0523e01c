"""OpenAPI 3.0/3.1 specs -> REST reference pages, one per tag, with ``$ref``s resolved.

Every ``$ref`` is checked before rendering; one that does not resolve is reported at its line
(with a did-you-mean over the names that exist) and the spec is left out of the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import Problems, did_you_mean
from .models import OpenAPISpec
from .sources import Document, locate, read_yaml_file, validate

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_DEPTH = 6


class _Info(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str
    version: str
    description: str = ""


class OpenAPIDocument(BaseModel):
    """The parts of an OpenAPI document the reference needs; extensions and the rest are allowed."""

    model_config = ConfigDict(extra="allow")
    openapi: str = Field(description="3.0.x or 3.1.x")
    info: _Info
    paths: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("openapi", mode="before")
    @classmethod
    def _version(cls, value: Any) -> str:
        if not re.fullmatch(r"3\.(0|1)\.\d+", str(value)):
            raise ValueError(f"only OpenAPI 3.0.x and 3.1.x are supported (found '{value}'); Swagger 2.0 specs can be converted with swagger2openapi")
        return str(value)


@dataclass
class Operation:
    """One operation of a spec, with its schemas resolved."""

    method: str
    path: str
    op: dict[str, Any]

    @property
    def anchor(self) -> str:
        """The operation's heading id on its tag page."""
        ident = self.op.get("operationId") or f"{self.method}-{self.path}"
        return "op-" + slugify(ident, "-")


@dataclass
class ApiSpec:
    """A loaded, checked spec and its operations grouped by tag."""

    config: OpenAPISpec
    doc: Document
    spec: dict[str, Any]
    tags: dict[str, list[Operation]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The title from settings, else the spec's own."""
        return self.config.title or self.spec["info"]["title"]

    @property
    def folder(self) -> str:
        """The docs-relative folder of this spec's pages."""
        return f"reference/rest/{self.config.id}"

    def tag_page(self, tag: str) -> str:
        """The page of one tag."""
        return f"{self.folder}/{slugify(tag, '-') or 'default'}.md"


def load_spec(root: Path, config: OpenAPISpec, problems: Problems) -> ApiSpec | None:
    """Read, validate and ``$ref``-check one spec (YAML or JSON, read as YAML for line numbers)."""
    file = root / config.path
    if not file.is_file():
        problems.add("mkdocs.yml", 0, 0, f"plugins.portal.openapi: spec file '{config.path}' does not exist")
        return None
    doc = read_yaml_file(file, config.path, problems)
    if doc is None or validate(OpenAPIDocument, doc, problems) is None:
        return None
    before = len(problems.errors)
    _check_refs(doc.data, doc, doc.data, (), problems)
    if len(problems.errors) > before:
        return None
    return _group(ApiSpec(config, doc, _plain(doc.data)))


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _check_refs(node: Any, doc: Document, spec: Any, loc: tuple[Any, ...], problems: Problems) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and resolve_pointer(spec, ref) is None:
            line, col = locate(doc.data, loc + ("$ref",))
            problems.add(doc.path, line, col, f"unresolvable $ref '{ref}'{_ref_hint(spec, ref)}")
        for key, value in node.items():
            _check_refs(value, doc, spec, loc + (key,), problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_refs(value, doc, spec, loc + (i,), problems)


def _ref_hint(spec: Any, ref: str) -> str:
    if not ref.startswith("#/"):
        return ": only local references ('#/components/...') are supported"
    parent, _, name = ref[2:].rpartition("/")
    siblings = resolve_pointer(spec, "#/" + parent) if parent else spec
    return did_you_mean(name, siblings.keys()) if isinstance(siblings, dict) else ""


def resolve_pointer(spec: Any, ref: str) -> Any:
    """The node a local JSON pointer (``#/components/schemas/X``) names, or None."""
    if not ref.startswith("#"):
        return None
    node = spec
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def deref(spec: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` chains at the top of a node."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = resolve_pointer(spec, node["$ref"])
        seen += 1
    return node


def _group(api: ApiSpec) -> ApiSpec:
    declared = [t["name"] for t in api.spec.get("tags", []) if isinstance(t, dict) and "name" in t]
    tags: dict[str, list[Operation]] = {name: [] for name in declared}
    for path, item in api.spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                op["parameters"] = shared + op.get("parameters", [])
                for tag in op.get("tags") or ["Other"]:
                    tags.setdefault(tag, []).append(Operation(method, path, op))
    api.tags = {k: v for k, v in tags.items() if v}
    return api

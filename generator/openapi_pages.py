"""Markdown for REST reference pages: a spec overview and one page per tag."""

from __future__ import annotations

import json
from typing import Any

from .openapi import MAX_DEPTH, ApiSpec, Operation, deref
from .openapi_examples import example_of, synth
from .openapi_samples import sample_tabs
from .render import Page


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def spec_pages(api: ApiSpec) -> list[Page]:
    """The overview page and one page per tag of a spec."""
    pages = [Page(f"{api.folder}/index.md", api.title, _overview(api), f"api:{api.config.id}", api.config.path)]
    for tag, operations in api.tags.items():
        text = _tag_page(api, tag, operations)
        pages.append(Page(api.tag_page(tag), tag, text, f"api:{api.config.id}:{tag}", api.config.path))
    return pages


def operation_count(api: ApiSpec) -> int:
    """How many distinct operations the spec has."""
    return len({(o.method, o.path) for ops in api.tags.values() for o in ops})


def _overview(api: ApiSpec) -> str:
    info = api.spec["info"]
    out = [f"# {api.title}", "", f"Version **{info['version']}** · OpenAPI {api.spec['openapi']}", ""]
    if info.get("description"):
        out += [info["description"].strip(), ""]
    servers = api.spec.get("servers") or []
    if servers:
        out += ["## Servers", ""] + [f"- `{s.get('url')}`" + (f": {s['description']}" if s.get("description") else "") for s in servers] + [""]
    schemes = (api.spec.get("components") or {}).get("securitySchemes") or {}
    if schemes:
        out += ["## Authentication", "", "| Scheme | Type | Details |", "|---|---|---|"]
        for name, scheme in schemes.items():
            scheme = deref(api.spec, scheme)
            detail = scheme.get("scheme") or scheme.get("in", "")
            if scheme.get("type") == "apiKey":
                detail = f"`{scheme.get('name')}` in {scheme.get('in')}"
            desc = scheme.get("description", "")
            out.append(f"| `{name}` {{ #auth-{name.lower()} }} | {scheme.get('type')} | {_cell(detail)}{' ' + _cell(desc) if desc else ''} |")
        out.append("")
    out += ["## Operations", "", "| Method | Path | Summary | Tag |", "|---|---|---|---|"]
    for tag, ops in api.tags.items():
        page = api.tag_page(tag).rsplit("/", 1)[1]
        for o in ops:
            out.append(f"| `{o.method.upper()}` | [`{o.path}`]({page}#{o.anchor}) | {_cell(o.op.get('summary', ''))} | {_cell(tag)} |")
    return "\n".join(out) + "\n"


def _tag_page(api: ApiSpec, tag: str, operations: list[Operation]) -> str:
    tag_info = next((t for t in api.spec.get("tags", []) if t.get("name") == tag), {})
    out = [f"# {tag}", ""]
    if tag_info.get("description"):
        out += [tag_info["description"].strip(), ""]
    out += [f"Part of the [{api.title}](index.md) reference.", ""]
    for o in operations:
        out += _operation(api, o)
    return "\n".join(out) + "\n"


def _operation(api: ApiSpec, o: Operation) -> list[str]:
    op = o.op
    out = [f"## `{o.method.upper()} {o.path}` {{ #{o.anchor} }}", ""]
    if op.get("summary"):
        out += [f"**{op['summary'].strip()}**", ""]
    if op.get("deprecated"):
        out += ['!!! warning "Deprecated"', "    This operation is deprecated.", ""]
    if op.get("description"):
        out += [op["description"].strip(), ""]
    if op.get("operationId"):
        out += [f"Operation id: `{op['operationId']}`", ""]
    out += _security(api, op)
    params = [deref(api.spec, p) for p in op.get("parameters", [])]
    if params:
        out += ["### Parameters", "", "| Name | In | Type | Required | Description |", "|---|---|---|---|---|"]
        for p in params:
            schema = deref(api.spec, p.get("schema", {}))
            out.append(f"| `{p.get('name')}` | {p.get('in')} | {_type(api, schema)} | {'yes' if p.get('required') else 'no'} | {_cell(p.get('description', ''))} |")
        out.append("")
    out += sample_tabs(api, o)
    body = deref(api.spec, op.get("requestBody"))
    if body:
        out += ["### Request body", ""]
        if body.get("description"):
            out += [body["description"].strip(), ""]
        out += _content(api, body.get("content", {}), required=body.get("required", False))
    out += ["### Responses", ""]
    for code, response in (op.get("responses") or {}).items():
        response = deref(api.spec, response) or {}
        out += [f"#### `{code}` {_cell(response.get('description', ''))}", ""]
        out += _content(api, response.get("content") or {})
    return out


def _security(api: ApiSpec, op: dict[str, Any]) -> list[str]:
    requirements = op.get("security", api.spec.get("security"))
    if requirements is None:
        return []
    if not requirements or requirements == [{}]:
        return ["**Authentication:** none", ""]
    options = []
    for req in requirements:
        parts = [f"[`{name}`](index.md#auth-{name.lower()})" + (f" (scopes: {', '.join(scopes)})" if scopes else "") for name, scopes in req.items()]
        options.append(" and ".join(parts) or "none")
    return ["**Authentication:** " + " or ".join(options), ""]


def _content(api: ApiSpec, content: dict[str, Any], required: bool = False) -> list[str]:
    out: list[str] = []
    for media, item in content.items():
        schema = item.get("schema") or {}
        out += [f"Content type `{media}`{' (required)' if required else ''}: {_type(api, schema)}", ""]
        rows = list(_fields(api, deref(api.spec, schema), "", 0, set()))
        if rows:
            out += ["| Field | Type | Required | Description |", "|---|---|---|---|"] + rows + [""]
        example = example_of(api, item, schema)
        if example is not None:
            out += ["Example:", "", "```json", json.dumps(example, indent=2, default=str), "```", ""]
    return out


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


def _type(api: ApiSpec, schema: Any) -> str:
    name = _ref_name(schema)
    resolved = deref(api.spec, schema) or {}
    kind = resolved.get("type", "object" if "properties" in resolved else "")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        kind = f"array of {_type(api, resolved.get('items', {}))}"
    for combo in ("oneOf", "anyOf", "allOf"):
        if combo in resolved:
            kind = f"{combo} " + ", ".join(_type(api, s) for s in resolved[combo])
    if resolved.get("format"):
        kind += f" ({resolved['format']})"
    if "enum" in resolved:
        kind += ": " + ", ".join(f"`{v}`" for v in resolved["enum"])
    return f"{kind or 'any'}" + (f" `{name}`" if name else "")


def _fields(api: ApiSpec, schema: Any, prefix: str, depth: int, seen: set[str]):
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    if schema.get("type") == "array":
        yield from _fields(api, deref(api.spec, schema.get("items", {})), prefix + "[]", depth, seen)
        return
    for combo in ("allOf",):
        for part in schema.get(combo, []):
            yield from _fields(api, deref(api.spec, part), prefix, depth, seen)
    required = set(schema.get("required", []))
    for name, prop in (schema.get("properties") or {}).items():
        ref = _ref_name(prop) or _ref_name(prop.get("items") if isinstance(prop, dict) else None)
        resolved = deref(api.spec, prop) or {}
        path = f"{prefix}.{name}" if prefix else name
        yield f"| `{path}` | {_type(api, prop)} | {'yes' if name in required else 'no'} | {_cell(resolved.get('description', ''))} |"
        if ref and ref in seen:
            continue
        inner = deref(api.spec, resolved.get("items")) if resolved.get("type") == "array" else resolved
        if isinstance(inner, dict) and ("properties" in inner or "allOf" in inner):
            sub = path + ("[]" if resolved.get("type") == "array" else "")
            yield from _fields(api, inner, sub, depth + 1, seen | ({ref} if ref else set()))

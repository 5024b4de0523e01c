"""Example values for OpenAPI (and AsyncAPI) schemas: the author's own examples first, else assembled."""

from __future__ import annotations

from typing import Any

from .openapi import MAX_DEPTH, ApiSpec, deref


def example_of(api: ApiSpec, item: dict[str, Any], schema: Any) -> Any:
    """The example of a media type or parameter: its own, its first named one, or one made from the schema."""
    if "example" in item:
        return item["example"]
    if item.get("examples"):
        first = deref(api.spec, next(iter(item["examples"].values())))
        return first.get("value") if isinstance(first, dict) else first
    return synth(api, schema, 0)


def synth(api: ApiSpec, schema: Any, depth: int) -> Any:
    """An example value assembled from a schema's own examples, enums and types."""
    schema = deref(api.spec, schema) or {}
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if depth > MAX_DEPTH:
        return None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: synth(api, v, depth + 1) for k, v in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [synth(api, schema.get("items", {}), depth + 1)]
    if "enum" in schema:
        return schema["enum"][0]
    for combo in ("allOf", "oneOf", "anyOf"):
        if combo in schema:
            return synth(api, schema[combo][0], depth + 1)
    return {"integer": 0, "number": 0.0, "boolean": True, "string": "string"}.get(kind if isinstance(kind, str) else "", None)

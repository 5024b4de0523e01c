"""Markdown for event API reference pages: a spec overview and one page per channel."""

from __future__ import annotations

import json
from typing import Any

from markdown.extensions.toc import slugify

from .asyncapi import Channel, EventSpec, Message, load_asyncapi
from .errors import Problems
from .load import Portal
from .openapi import deref
from .openapi_examples import synth
from .openapi_pages import _cell, _fields, _type
from .render import Page, Rendered

ACTIONS = {
    "send": "the server sends these messages; your client receives them.",
    "receive": "your client sends these messages; the server receives them.",
}


def channel_page(api: EventSpec, channel: Channel) -> str:
    """The docs-relative path of a channel's page."""
    return f"{api.folder}/{slugify(channel.key, '-') or 'channel'}.md"


def event_pages(api: EventSpec) -> list[Page]:
    """The overview page and one page per channel of an AsyncAPI spec."""
    pages = [Page(f"{api.folder}/index.md", api.title, _overview(api), f"events:{api.config.id}", api.config.path)]
    for channel in api.channels:
        text = _channel(api, channel)
        pages.append(Page(channel_page(api, channel), channel.address, text, f"events:{api.config.id}:{channel.key}", api.config.path))
    return pages


def event_reference(portal: Portal, rendered: Rendered, specs: list[dict[str, Any]], problems: Problems) -> list[Any]:
    """Add the pages of every AsyncAPI spec in the settings; their nav entries (``specs`` gets the index rows)."""
    nav: list[Any] = []
    for config in portal.settings.asyncapi:
        api = load_asyncapi(portal.root, config, problems)
        if api is None:
            continue
        pages = event_pages(api)
        for page in pages:
            rendered.add(page)
        specs.append({"title": api.title, "version": api.spec["info"]["version"], "index": pages[0].path,
                      "operation_count": sum(len(c.operations) for c in api.channels), "kind": "events"})
        nav.append({api.title: [pages[0].path] + [{p.title: p.path} for p in pages[1:]]})
    return nav


def _overview(api: EventSpec) -> str:
    info = api.spec["info"]
    out = [f"# {api.title}", "", f"Version **{info['version']}** · AsyncAPI {api.spec['asyncapi']}", ""]
    if info.get("description"):
        out += [info["description"].strip(), ""]
    servers = api.spec.get("servers") or {}
    if servers:
        out += ["## Servers", "", "| Server | Address | Protocol | Description |", "|---|---|---|---|"]
        for name, server in servers.items():
            server = deref(api.spec, server) or {}
            where = server.get("url") or f"{server.get('host', '')}{server.get('pathname', '')}"
            out.append(f"| `{name}` | `{where}` | {_cell(server.get('protocol', ''))} | {_cell(server.get('description', ''))} |")
        out.append("")
    out += ["## Channels", "", "| Channel | Direction | Messages |", "|---|---|---|"]
    for channel in api.channels:
        page = channel_page(api, channel).rsplit("/", 1)[1]
        actions = ", ".join(sorted({action for _, action, _ in channel.operations})) or "-"
        names = ", ".join(f"[`{m.message.get('name') or m.key}`]({page}#{_anchor(m)})" for m in channel.messages)
        out.append(f"| [`{channel.address}`]({page}) | {actions} | {names} |")
    return "\n".join(out) + "\n"


def _channel(api: EventSpec, channel: Channel) -> str:
    out = [f"# `{channel.address}`", "", f"A channel of the [{api.title}](index.md).", ""]
    if channel.channel.get("description"):
        out += [channel.channel["description"].strip(), ""]
    params = channel.channel.get("parameters") or {}
    if params:
        out += ["## Parameters", "", "| Name | Values | Description |", "|---|---|---|"]
        for name, param in params.items():
            param = deref(api.spec, param) or {}
            values = ", ".join(f"`{v}`" for v in param.get("enum", param.get("schema", {}).get("enum", []))) or "any"
            out.append(f"| `{name}` | {values} | {_cell(param.get('description', ''))} |")
        out.append("")
    if channel.operations:
        out += ["## Operations", ""]
        for op_id, action, op in channel.operations:
            summary = op.get("summary") or op.get("description") or ""
            out += [f"- `{op_id}` ({action}): {ACTIONS.get(action, '')} {_cell(summary)}".rstrip()]
        out.append("")
    for message in channel.messages:
        out += _message(api, message)
    return "\n".join(out) + "\n"


def _anchor(message: Message) -> str:
    return "msg-" + slugify(message.key, "-")


def _message(api: EventSpec, message: Message) -> list[str]:
    m = message.message
    out = [f"## Message `{m.get('name') or message.key}` {{ #{_anchor(message)} }}", ""]
    if m.get("title") or m.get("summary"):
        out += [f"**{(m.get('title') or m.get('summary')).strip()}**", ""]
    if m.get("description"):
        out += [m["description"].strip(), ""]
    if m.get("contentType"):
        out += [f"Content type `{m['contentType']}`", ""]
    headers = deref(api.spec, m.get("headers"))
    if headers:
        out += ["### Headers", ""] + _schema_table(api, headers)
    payload = m.get("payload") or {}
    if isinstance(payload, dict) and "schemaFormat" in payload and "schema" in payload:
        payload = payload["schema"]
    out += ["### Payload", "", f"Type: {_type(api, payload)}", ""] + _schema_table(api, deref(api.spec, payload))
    out += _examples(api, m, payload)
    return out


def _schema_table(api: EventSpec, schema: Any) -> list[str]:
    rows = list(_fields(api, schema, "", 0, set()))  # type: ignore[arg-type]
    return ["| Field | Type | Required | Description |", "|---|---|---|---|", *rows, ""] if rows else []


def _examples(api: EventSpec, m: dict[str, Any], payload: Any) -> list[str]:
    examples = [e for e in (m.get("examples") or []) if isinstance(e, dict) and "payload" in e]
    if not examples:
        examples = [{"payload": synth(api, payload, 0)}]  # type: ignore[arg-type]
    out: list[str] = []
    for example in examples:
        label = example.get("summary") or example.get("name") or "Example"
        out += [f"{label}:", "", "```json", json.dumps(example["payload"], indent=2, default=str, ensure_ascii=False), "```", ""]
    return out

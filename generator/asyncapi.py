"""AsyncAPI 2.6 and 3.0 specs (event and WebSocket APIs) -> a checked, version-neutral list of channels.

The document is validated for the parts the reference needs and every ``$ref`` is checked at its line,
as for OpenAPI specs; a spec with errors is left out of the site. Both versions are read into the
same :class:`Channel` shape, so the pages do not care which one the author wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import Problems
from .models import OpenAPISpec
from .openapi import _check_refs, _plain, deref
from .sources import Document, read_yaml_file, validate


class _Info(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str
    version: str
    description: str = ""


class AsyncAPIDocument(BaseModel):
    """The parts of an AsyncAPI document the reference needs; the rest is allowed."""

    model_config = ConfigDict(extra="allow")
    asyncapi: str = Field(description="2.6.x or 3.0.x")
    info: _Info
    channels: dict[str, dict[str, Any]] = Field(default_factory=dict)
    operations: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("asyncapi", mode="before")
    @classmethod
    def _version(cls, value: Any) -> str:
        if not re.fullmatch(r"(2\.6|3\.0)\.\d+", str(value)):
            raise ValueError(f"only AsyncAPI 2.6.x and 3.0.x are supported (found '{value}')")
        return str(value)


@dataclass
class Message:
    """One message a channel carries."""

    key: str
    message: dict[str, Any]


@dataclass
class Channel:
    """A channel with its address, parameters, the operations on it and its messages."""

    key: str
    address: str
    channel: dict[str, Any]
    operations: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """(operation id, action 'send' or 'receive', operation)."""
    messages: list[Message] = field(default_factory=list)


@dataclass
class EventSpec:
    """A loaded, checked AsyncAPI spec."""

    config: OpenAPISpec
    doc: Document
    spec: dict[str, Any]
    channels: list[Channel] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The title from settings, else the spec's own."""
        return self.config.title or self.spec["info"]["title"]

    @property
    def folder(self) -> str:
        """The docs-relative folder of this spec's pages."""
        return f"reference/events/{self.config.id}"


def load_asyncapi(root: Path, config: OpenAPISpec, problems: Problems) -> EventSpec | None:
    """Read, validate and ``$ref``-check one AsyncAPI spec; None (problems recorded) when it cannot be used."""
    file = root / config.path
    if not file.is_file():
        problems.add("mkdocs.yml", 0, 0, f"plugins.portal.asyncapi: spec file '{config.path}' does not exist")
        return None
    doc = read_yaml_file(file, config.path, problems)
    if doc is None or validate(AsyncAPIDocument, doc, problems) is None:
        return None
    before = len(problems.errors)
    _check_refs(doc.data, doc, doc.data, (), problems)
    if len(problems.errors) > before:
        return None
    api = EventSpec(config, doc, _plain(doc.data))
    api.channels = _channels_v3(api.spec) if api.spec["asyncapi"].startswith("3.") else _channels_v2(api.spec)
    return api


def _channels_v3(spec: dict[str, Any]) -> list[Channel]:
    channels = {key: Channel(key, str(c.get("address") or key), c) for key, c in spec.get("channels", {}).items()}
    for key, channel in channels.items():
        for name, message in (channel.channel.get("messages") or {}).items():
            channel.messages.append(Message(name, deref(spec, message) or {}))
    for op_id, op in spec.get("operations", {}).items():
        ref = (op.get("channel") or {}).get("$ref", "")
        target = channels.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/channels/") else None
        if target is not None:
            target.operations.append((op_id, str(op.get("action", "")), op))
    return list(channels.values())


def _channels_v2(spec: dict[str, Any]) -> list[Channel]:
    out = []
    for address, item in spec.get("channels", {}).items():
        channel = Channel(address, address, item)
        # In 2.x, "subscribe" is what others receive from the application: 3.0's "send".
        for verb, action in (("subscribe", "send"), ("publish", "receive")):
            op = item.get(verb)
            if not op:
                continue
            channel.operations.append((op.get("operationId", f"{verb} {address}"), action, op))
            message = deref(spec, op.get("message")) or {}
            for i, part in enumerate(message.get("oneOf", [message])):
                part = deref(spec, part) or {}
                channel.messages.append(Message(part.get("name") or part.get("messageId") or f"{verb}-{i + 1}", part))
        out.append(channel)
    return out

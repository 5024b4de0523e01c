"""A small fuzzer of the JSON API driven by its own OpenAPI schema (``/api/openapi.json``).

For every operation it sends one plausible request, then the same request with each path
parameter, query parameter and body field in turn replaced by a boundary or hostile value
(huge and negative integers, zero, numbers in strings, very long and odd Unicode strings,
nulls, wrong types), each required body field left out, the whole body replaced by the wrong
kind of JSON or by bytes that are no JSON, and a few seeded random mixes of those. What it
reports is every answer of 500 or more, and every request the server dropped.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

MISSING = object()  # a body field left out
HUGE = [2**63 - 1, 2**63, 2**64, 10**23, -(2**63) - 1, 2**31, -1, 0]
# Values for path and query parameters: text (percent-encoded when sent) or, in Raw, bytes already encoded.
URL_VALUES: list[Any] = [*HUGE, "99999999999999999999999", "-1", "0", "1.5", "1e309", "NaN", "true", "", " ", "null",
                         "x" * 5000, "é漢字🙂", "𝟙", "²", "٣", "../../etc/passwd", "' OR 1=1 --", '"', "<script>", "%", "*",
                         "=HYPERLINK(1)", "\x00", "\t\r\n"]
RAW_URL_VALUES = ["%ED%A0%80", "%FF%FE", "%00", "a%2Fb"]  # a lone surrogate, invalid UTF-8, NUL, an encoded slash
BODY_VALUES: list[Any] = [*HUGE, 1.5, -0.0, 1e308, True, False, None, "", " ", "99999999999999999999999", "-1", "1e999",
                          "NaN", "x" * 100_000, "é漢字🙂", "\ud800", "\x00", "²", "=cmd|' /C calc'!A0", [], [None],
                          [2**64], {}, {"a": 2**64}, [[[]]]]
WHOLE_BODIES: list[Any] = [None, [], "text", 2**64, True, [{}]]
RAW_BODIES = [b"{", b"\xff\xfe", b'{"a": 1e999999}', b"[" * 5000, b"x=1&y=2", b'{"a": NaN}', b""]
EXAMPLE_TEXT = ["someone@example.com", "articles/example/", "A plain example text"]


@dataclass
class Request:
    """One request to send: method, the path with its query string (already encoded), and the body."""

    method: str
    url: str
    body: Any = MISSING
    raw: bytes | None = None
    content_type: str = "application/json"

    def describe(self) -> str:
        """The request in a line, for the failure report."""
        body = self.raw if self.raw is not None else ("" if self.body is MISSING else _short(json.dumps(self.body)))
        return f"{self.method} {_short(self.url)} {body!s}".rstrip()


@dataclass
class Report:
    """What a run found."""

    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The failures, a line each (at most 40), and the tally of statuses."""
        lines = self.failures[:40] + ([f"... and {len(self.failures) - 40} more"] if len(self.failures) > 40 else [])
        statuses = f"statuses: {dict(sorted(self.statuses.items()))}"
        return "\n".join([f"{len(self.failures)} of {self.sent} requests failed:", *lines, statuses])


class Schema:
    """The operations of an OpenAPI document, with plausible and hostile requests for each."""

    def __init__(self, document: dict[str, Any], examples: dict[str, Any], seed: int = 13) -> None:
        self.document = document
        self.examples = examples  # parameter or field name -> a value that exists (a real ticket id, token, article id)
        self.random = random.Random(seed)

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(method, path template, operation) in the document's order."""
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                yield method.upper(), path, operation

    def requests(self, method: str, path: str, operation: dict[str, Any], mixes: int = 4) -> Iterator[Request]:
        """The plausible request, then one per hostile value of each parameter and field, then ``mixes`` random mixes."""
        params = operation.get("parameters", [])
        body_schema = self._body_schema(operation)
        good_params = {p["name"]: self.valid(p["name"], p["schema"]) for p in params if p["in"] == "path" or p.get("required")}
        good_body = self.valid("", body_schema) if body_schema else MISSING
        yield self._request(method, path, good_params, good_body)
        for param in params:
            for value in [*URL_VALUES, *(Raw(v) for v in RAW_URL_VALUES)]:
                yield self._request(method, path, {**good_params, param["name"]: value}, good_body)
        if body_schema:
            yield from self._body_requests(method, path, good_params, good_body, body_schema)
        for _ in range(mixes):
            yield self._mix(method, path, params, good_params, good_body, body_schema)

    def _body_requests(self, method: str, path: str, params: dict[str, Any], body: Any, schema: dict[str, Any]) -> Iterator[Request]:
        properties, required = self._properties(schema)
        for name, prop in properties.items():
            for value in self._field_values(prop):
                yield self._request(method, path, params, {**body, name: value})
        for name in required:
            yield self._request(method, path, params, {k: v for k, v in body.items() if k != name})
        for whole in WHOLE_BODIES:
            yield self._request(method, path, params, whole)
        for raw in RAW_BODIES:
            yield Request(method, self._url(path, params), raw=raw)
        yield Request(method, self._url(path, params), raw=b"a=1", content_type="application/x-www-form-urlencoded")
        yield Request(method, self._url(path, params), raw=json.dumps(body).encode(), content_type="text/plain")

    def _field_values(self, prop: dict[str, Any]) -> Iterator[Any]:
        yield from BODY_VALUES
        if self._is_free_object(prop):  # a mapping such as quiz answers: hostile values under each known key
            for key in self.examples.get("*keys", ["k"]):
                for value in BODY_VALUES:
                    yield {key: value}

    def _mix(self, method: str, path: str, params: list[dict], good_params: dict[str, Any], good_body: Any,
             body_schema: dict[str, Any] | None) -> Request:
        chosen = {**good_params}
        for param in self.random.sample(params, min(len(params), 3)):
            chosen[param["name"]] = self.random.choice(URL_VALUES)
        body = good_body
        if body_schema and isinstance(good_body, dict):
            properties, _ = self._properties(body_schema)
            names = self.random.sample(sorted(properties), min(len(properties), 2))
            body = {**good_body, **{name: self.random.choice(BODY_VALUES) for name in names}}
        return self._request(method, path, chosen, body)

    def valid(self, name: str, schema: dict[str, Any]) -> Any:
        """A value that fits ``schema`` (the example for ``name`` when one is known)."""
        if name in self.examples:
            return self.examples[name]
        schema = self._resolve(schema)
        if "anyOf" in schema:
            return self.valid(name, next(s for s in schema["anyOf"] if s.get("type") != "null"))
        if "enum" in schema:
            return schema["enum"][0]
        if "default" in schema:
            return schema["default"]
        kind = schema.get("type")
        if kind == "object":
            properties, required = self._properties(schema)
            return {key: self.valid(key, properties[key]) for key in required}
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return True
        if kind == "array":
            return []
        return self._text(schema)

    def _text(self, schema: dict[str, Any]) -> str:
        pattern = schema.get("pattern")
        low, high = schema.get("minLength", 0), schema.get("maxLength", 200)
        for text in EXAMPLE_TEXT:
            if (pattern is None or re.search(pattern, text)) and low <= len(text) <= high:
                return text
        return "x" * max(low, 1)

    def _body_schema(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return None
        schema = self._resolve(schema)
        if "anyOf" in schema:
            schema = self._resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"))
        return schema

    def _properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        schema = self._resolve(schema)
        return schema.get("properties", {}), schema.get("required", [])

    def _is_free_object(self, prop: dict[str, Any]) -> bool:
        options = self._resolve(prop).get("anyOf", [prop])
        return any(self._resolve(o).get("type") == "object" and "properties" not in self._resolve(o) for o in options)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def _request(self, method: str, path: str, params: dict[str, Any], body: Any) -> Request:
        return Request(method, self._url(path, params), body)

    def _url(self, path: str, params: dict[str, Any]) -> str:
        query = []
        for name, value in params.items():
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", _encode(value) or "%20")
            else:
                query.append(f"{name}={_encode(value)}")
        return path + ("?" + "&".join(query) if query else "")


@dataclass(frozen=True)
class Raw:
    """A parameter value sent exactly as written (already percent-encoded)."""

    text: str


def _encode(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    return quote(str(value), safe="")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def send(client: httpx.Client, request: Request, csrf: str | None, report: Report, who: str) -> None:
    """Send one request and record its status, and a failure for a 5xx or a dropped connection."""
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if request.raw is not None:
        content = request.raw
    elif request.body is MISSING:
        content = None
    else:
        content = json.dumps(request.body).encode()
    if content is not None:
        headers["Content-Type"] = request.content_type
    report.sent += 1
    try:
        response = _send_once_more(client, request, content, headers)
    except httpx.HTTPError as exc:
        report.failures.append(f"[{who}] {request.describe()} -> no answer ({type(exc).__name__})")
        return
    report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
    if response.status_code >= 500:
        report.failures.append(f"[{who}] {request.describe()} -> {response.status_code} {_short(response.text, 120)}")


def _send_once_more(client: httpx.Client, request: Request, content: bytes | None, headers: dict[str, str]) -> httpx.Response:
    """Send, and once more on a fresh connection if the kept-alive one was closed (uvicorn closes it after a crash)."""
    try:
        return client.request(request.method, httpx.URL(request.url), content=content, headers=headers)
    except httpx.TransportError:
        return client.request(request.method, httpx.URL(request.url), content=content, headers=headers)

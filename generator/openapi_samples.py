"""Request samples for a REST operation in curl, Python and JavaScript, generated from its OpenAPI spec.

Each sample sends what the spec says a real call needs: the first server's URL, path and required query
parameters filled with their examples, the credentials of the operation's first security requirement
(read from an environment variable, never written in the page) and the example JSON body. They are shown
in Material's content tabs; the theme's copy button copies each one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from .openapi import ApiSpec, Operation, deref
from .openapi_examples import example_of, synth


@dataclass
class Request:
    """One call, spelled out: everything the three samples need."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    env_headers: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Header -> (environment variable, prefix): a credential read at run time."""
    body: Any = None


def request_for(api: ApiSpec, o: Operation) -> Request:
    """The call a sample makes for ``o``: URL with example parameters, credentials and example body."""
    params = [deref(api.spec, p) or {} for p in o.op.get("parameters", [])]
    path = o.path
    for p in params:
        if p.get("in") == "path":
            value = _param_example(api, p)
            path = path.replace("{" + p["name"] + "}", value if _placeholder(p, value) else quote(str(value), safe=""))
    query = {p["name"]: _param_example(api, p) for p in params if p.get("in") == "query" and p.get("required")}
    servers = api.spec.get("servers") or [{"url": ""}]
    url = servers[0].get("url", "").rstrip("/") + path + ("?" + urlencode(query) if query else "")
    request = Request(o.method.upper(), url)
    _credentials(api, o, request)
    body = deref(api.spec, o.op.get("requestBody")) or {}
    media = (body.get("content") or {}).get("application/json")
    if media is not None:
        request.headers["Content-Type"] = "application/json"
        request.body = example_of(api, media, media.get("schema") or {})
    return request


def _param_example(api: ApiSpec, param: dict[str, Any]) -> Any:
    if "example" in param:
        return param["example"]
    if param.get("examples"):
        first = deref(api.spec, next(iter(param["examples"].values()))) or {}
        return first.get("value", "")
    value = synth(api, param.get("schema") or {}, 0)
    return "{" + param["name"] + "}" if value in (None, "string") else value


def _placeholder(param: dict[str, Any], value: Any) -> bool:
    """A parameter without an example keeps its ``{name}`` for the reader to fill in."""
    return value == "{" + param["name"] + "}"


def _credentials(api: ApiSpec, o: Operation, request: Request) -> None:
    requirements = o.op.get("security", api.spec.get("security")) or []
    first = next((req for req in requirements if req), None)
    if not first:
        return
    schemes = (api.spec.get("components") or {}).get("securitySchemes") or {}
    for name in first:
        scheme = deref(api.spec, schemes.get(name)) or {}
        prefix = re.sub(r"\W", "_", api.config.id).upper()
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") == "header":
            request.env_headers[scheme.get("name", "X-API-Key")] = (f"{prefix}_API_KEY", "")
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            request.env_headers["Authorization"] = (f"{prefix}_BASIC_AUTH", "Basic ")
        elif kind in ("http", "oauth2", "openIdConnect"):
            request.env_headers["Authorization"] = (f"{prefix}_TOKEN", "Bearer ")


def curl(r: Request) -> str:
    """The request as a curl command line (credentials from the shell's environment)."""
    lines = [f"curl -X {r.method} '{_sq(r.url)}'"]
    lines += [f'-H "{h}: {prefix}${var}"' for h, (var, prefix) in r.env_headers.items()]
    lines += [f"-H '{_sq(h)}: {_sq(v)}'" for h, v in r.headers.items()]
    if r.body is not None:
        lines.append(f"-d '{_sq(json.dumps(r.body, indent=2, default=str))}'")
    return " \\\n  ".join(lines)


def _sq(text: str) -> str:
    return text.replace("'", "'\\''")


def python(r: Request) -> str:
    """The request with the ``requests`` library."""
    headers = [f'"{h}": f"{prefix}{{os.environ[\'{var}\']}}",' for h, (var, prefix) in r.env_headers.items()]
    headers += [f"{json.dumps(h)}: {json.dumps(v)}," for h, v in r.headers.items() if h != "Content-Type"]
    out = ["import os" if r.env_headers else "", "import requests", "", "response = requests.request(",
           f"    {json.dumps(r.method)},", f"    {json.dumps(r.url)},"]
    if headers:
        out += ["    headers={"] + [f"        {h}" for h in headers] + ["    },"]
    if r.body is not None:
        out.append(f"    json={_py(r.body, 1)},")
    out += ["    timeout=10,", ")", "response.raise_for_status()", "print(response.status_code, response.text)"]
    return "\n".join(line for i, line in enumerate(out) if line or i)


def _py(value: Any, level: int) -> str:
    """A JSON value as a Python literal, indented like ``json.dumps(indent=4)``."""
    pad, inner = "    " * level, "    " * (level + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(str(k))}: {_py(v, level + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        return "[\n" + "\n".join(f"{inner}{_py(v, level + 1)}," for v in value) + f"\n{pad}]"
    if isinstance(value, (bool, type(None), int, float)) or value in ({}, []):
        return repr(value)
    return json.dumps(str(value))


def javascript(r: Request) -> str:
    """The request with ``fetch`` (Node.js 18 or later; credentials from the environment)."""
    headers = [f'"{h}": `{prefix}${{process.env.{var}}}`,' for h, (var, prefix) in r.env_headers.items()]
    headers += [f"{json.dumps(h)}: {json.dumps(v)}," for h, v in r.headers.items()]
    out = [f"const response = await fetch({json.dumps(r.url)}, {{", f"  method: {json.dumps(r.method)},"]
    if headers:
        out += ["  headers: {"] + [f"    {h}" for h in headers] + ["  },"]
    if r.body is not None:
        body = json.dumps(r.body, indent=2, default=str).replace("\n", "\n  ")
        out.append(f"  body: JSON.stringify({body}),")
    out += ["});", "console.log(response.status, await response.text());"]
    return "\n".join(out)


def sample_tabs(api: ApiSpec, o: Operation) -> list[str]:
    """Markdown lines: a "Request sample" section with one content tab per language."""
    request = request_for(api, o)
    out = ["### Request sample", ""]
    for label, lang, code in (("curl", "bash", curl(request)), ("Python", "python", python(request)),
                              ("JavaScript", "javascript", javascript(request))):
        out += [f'=== "{label}"', "", f"    ```{lang}"] + [f"    {line}" if line else "" for line in code.splitlines()]
        out += ["    ```", ""]
    return out

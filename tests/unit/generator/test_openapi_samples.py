"""Request samples generated from an OpenAPI operation: what each language's sample sends."""

from __future__ import annotations

import ast
import json
from typing import Any

from generator.models import OpenAPISpec
from generator.openapi import ApiSpec, _group
from generator.openapi_samples import curl, javascript, python, request_for, sample_tabs

SPEC: dict[str, Any] = {
    "openapi": "3.1.0", "info": {"title": "T", "version": "1"},
    "servers": [{"url": "https://api.example.test/v2/"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                       "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
                   "schemas": {"Ack": {"type": "object", "properties": {"note": {"type": "string", "example": "It's done"},
                                                                        "urgent": {"type": "boolean"}}}}},
    "paths": {
        "/alarms/{alarmId}/acknowledge": {"post": {
            "tags": ["Alarms"], "parameters": [{"name": "alarmId", "in": "path", "required": True, "example": "A 1"}],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ack"}}}}}},
        "/lines/{lineId}": {"get": {"tags": ["Lines"], "security": [{"key": []}],
                                    "parameters": [{"name": "lineId", "in": "path", "required": True, "schema": {"type": "string"}},
                                                   {"name": "period", "in": "query", "required": True, "schema": {"enum": ["shift", "day"]}},
                                                   {"name": "limit", "in": "query", "schema": {"type": "integer"}}]}},
    },
}


def operation(tag: str) -> tuple[ApiSpec, Any]:
    api = _group(ApiSpec(OpenAPISpec(id="line-control", path="x.yaml"), None, SPEC))  # type: ignore[arg-type]
    return api, api.tags[tag][0]


def test_url_has_the_first_server_path_examples_and_required_query() -> None:
    """Path parameters take their examples (escaped), required query parameters theirs; optional ones are left out."""
    api, ack = operation("Alarms")
    assert request_for(api, ack).url == "https://api.example.test/v2/alarms/A%201/acknowledge"
    api, line = operation("Lines")
    assert request_for(api, line).url == "https://api.example.test/v2/lines/{lineId}?period=shift"


def test_credentials_come_from_the_environment_named_after_the_spec() -> None:
    """The global bearer scheme and an operation's own API key header are read from variables, never written."""
    api, ack = operation("Alarms")
    assert '-H "Authorization: Bearer $LINE_CONTROL_TOKEN"' in curl(request_for(api, ack))
    api, line = operation("Lines")
    assert "\"X-API-Key\": f\"{os.environ['LINE_CONTROL_API_KEY']}\"," in python(request_for(api, line))
    assert '"X-API-Key": `${process.env.LINE_CONTROL_API_KEY}`,' in javascript(request_for(api, line))


def test_the_example_body_is_sent_by_each_language() -> None:
    """curl quotes the JSON for the shell, Python passes a literal to ``json=``, JavaScript stringifies it."""
    api, ack = operation("Alarms")
    request = request_for(api, ack)
    assert request.body == {"note": "It's done", "urgent": True}
    assert "-d '{\n  \"note\": \"It'\\''s done\",\n  \"urgent\": true\n}'" in curl(request)
    code = python(request)
    compile(code, "sample.py", "exec")
    body = code.split("json=", 1)[1].split("    timeout=", 1)[0].rstrip().rstrip(",")
    assert ast.literal_eval(body) == request.body
    script = javascript(request)
    assert json.loads(script.split("JSON.stringify(", 1)[1].split("),\n});", 1)[0]) == request.body


def test_samples_are_three_content_tabs() -> None:
    """curl, Python and JavaScript, each a fenced block inside a Material content tab."""
    api, ack = operation("Alarms")
    lines = sample_tabs(api, ack)
    assert [line for line in lines if line.startswith("===")] == ['=== "curl"', '=== "Python"', '=== "JavaScript"']
    assert lines[0] == "### Request sample"
    assert "    ```python" in lines and "    ```javascript" in lines and "    ```bash" in lines

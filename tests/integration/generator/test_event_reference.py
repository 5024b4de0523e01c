"""AsyncAPI specs listed in the settings become event reference pages; bad ones give located errors."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

RunPortal = Callable[..., Result]

SPEC_V3 = """\
asyncapi: 3.0.0
info:
  title: Item events
  version: 1.0.0
servers:
  main: {host: example.test, pathname: /stream, protocol: wss}
channels:
  items:
    address: items.{kind}
    parameters:
      kind: {enum: [tool, part], description: What sort of item.}
    messages:
      created: {$ref: '#/components/messages/Created'}
operations:
  sendCreated:
    action: send
    channel: {$ref: '#/channels/items'}
components:
  messages:
    Created:
      name: item.created
      payload: {$ref: '#/components/schemas/Item'}
      examples:
        - summary: A new widget
          payload: {id: 7, name: Widget}
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string, description: Shown on the terminal.}
"""

SPEC_V2 = """\
asyncapi: 2.6.0
info: {title: Old item events, version: '1'}
channels:
  items/created:
    subscribe:
      operationId: itemCreated
      message:
        name: item.created
        payload: {type: object, properties: {id: {type: integer, example: 3}}}
"""


def add_spec(portal: Path, text: str, name: str = "events.yaml") -> None:
    """Write the spec into content/api/ and list it under the plugin's ``asyncapi:`` setting."""
    (portal / "content" / "api" / name).write_text(text)
    config = portal / "mkdocs.yml"
    config.write_text(config.read_text() + f"      asyncapi:\n        - id: {name.split('.')[0]}\n          path: content/api/{name}\n")


def test_a_3_0_spec_becomes_an_overview_and_a_page_per_channel(tmp_portal: Path, run_portal: RunPortal) -> None:
    """Channel address, parameters, direction, the message's payload fields ($ref resolved) and its example."""
    add_spec(tmp_portal, SPEC_V3)
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    folder = tmp_portal / "site" / "reference" / "events" / "events"
    overview = (folder / "index.html").read_text()
    assert "<code>items.{kind}</code>" in overview and "AsyncAPI 3.0.0" in overview
    page = (folder / "items" / "index.html").read_text()
    assert '<h2 id="msg-created">Message <code>item.created</code>' in page
    assert "the server sends these messages; your client receives them." in page
    assert "<td><code>name</code></td>" in page and "Shown on the terminal." in page
    assert "<code>tool</code>, <code>part</code>" in page
    assert "A new widget" in page and "Widget" in page
    assert "Item events" in (tmp_portal / "site" / "reference" / "index.html").read_text()


def test_a_2_6_spec_is_read_too(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A 2.6 ``subscribe`` is what the server sends; the example is made from the schema's examples."""
    add_spec(tmp_portal, SPEC_V2)
    assert run_portal("build", tmp_portal).exit_code == 0
    page = (tmp_portal / "site" / "reference" / "events" / "events" / "itemscreated" / "index.html").read_text()
    assert "<code>itemCreated</code> (send)" in page
    assert '"id": 3' in html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("broken, expected", [
    (SPEC_V3.replace("3.0.0", "2.4.0"),
     "content/api/events.yaml:1:11: error: asyncapi: only AsyncAPI 2.6.x and 3.0.x are supported (found '2.4.0')"),
    (SPEC_V3.replace("#/components/schemas/Item'", "#/components/schemas/Itme'"),
     "content/api/events.yaml:22:23: error: unresolvable $ref '#/components/schemas/Itme' (did you mean 'Item'?)"),
    (SPEC_V3.replace("  title: Item events\n", ""),
     "content/api/events.yaml:3:3: error: info.title: field required"),
])
def test_a_bad_spec_is_a_located_error(broken: str, expected: str, tmp_portal: Path, run_portal: RunPortal) -> None:
    """Wrong version, an unresolvable $ref and a missing field are reported at their line; the check fails."""
    add_spec(tmp_portal, broken)
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [expected, "portal check: 1 error, 0 warnings"]
    assert result.exit_code == 1

"""Reading sources with positions: YAML locations, front matter offsets, pydantic errors as messages."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problems
from generator.models import Runbook
from generator.sources import Document, loc_label, locate, parse_yaml, read_markdown_file, validate

RUNBOOK = """\
id: check-disk
title: Check disk
service: example
trigger: Disk alert.
severity: SEV4
owner: Ops
last_reviewed: 2026-11-01
steps:
  - action: Look.
    expected: Enough space.
  - action: Clean.
verification: [Alert cleared.]
"""


def test_locate_points_at_values_items_and_keys() -> None:
    """locate() gives 1-based line and column of a value, a list item, or with key=True the key."""
    data = parse_yaml(RUNBOOK, "r.yml", Problems())
    assert locate(data, ("severity",)) == (5, 11)
    assert locate(data, ("steps", 1)) == (11, 5)
    assert locate(data, ("steps", 0, "expected")) == (10, 15)
    assert locate(data, ("verification", 0)) == (12, 16)
    assert locate(data, ("severity",), key=True) == (5, 1)


def test_locate_stops_at_the_deepest_existing_node() -> None:
    """A missing field is located at the mapping that should hold it."""
    data = parse_yaml(RUNBOOK, "r.yml", Problems())
    assert locate(data, ("steps", 1, "expected")) == (11, 5)


def test_loc_label_reads_like_the_yaml() -> None:
    """``("steps", 2, "expected")`` is written ``steps[2].expected``."""
    assert loc_label(("steps", 2, "expected")) == "steps[2].expected"
    assert loc_label(()) == "(file)"


def test_yaml_syntax_error_is_located() -> None:
    """Malformed YAML records one problem at the line and column the parser stopped."""
    problems = Problems()
    assert parse_yaml("id: x\ntags: [a, b\nowner: y\n", "a.yml", problems) is None
    assert [p.format() for p in problems.items] == ["a.yml:3:6: error: YAML syntax: expected ',' or ']', but got ':'"]


def test_values_their_tag_cannot_be_read_are_located() -> None:
    """An impossible date, or a value its explicit tag cannot read, is one located problem naming the field (the reader gives no place)."""
    problems = Problems()
    text = "id: x\nlimits:\n  - {max: !!int ten}\nreviewed: 2026-04-31\n"
    assert parse_yaml(text, "a.yml", problems) is None
    assert parse_yaml("a: 1\nok: !!bool maybe\n", "b.yml", problems) is None
    assert [p.format() for p in problems.items] == [
        "a.yml:3:11: error: limits[0].max: 'ten' is not an integer",
        "b.yml:2:5: error: ok: 'maybe' is not true or false",
    ]


def test_front_matter_date_is_located_from_the_file_start() -> None:
    """In front matter the impossible date's line counts the opening '---'."""
    problems = Problems()
    assert parse_yaml("id: x\nreviewed: 2026-13-45\n", "a.md", problems, line_offset=1) is None
    assert [p.format() for p in problems.items] == ["a.md:3:11: error: reviewed: '2026-13-45' is not a valid date: month must be in 1..12"]


def test_characters_yaml_refuses_are_located() -> None:
    """A control character is reported at its line and column, not at a character offset."""
    problems = Problems()
    assert parse_yaml("id: x\ntitle: 'a\x07b'\n", "a.yml", problems) is None
    assert [p.format() for p in problems.items] == ["a.yml:2:10: error: YAML syntax: unacceptable character #x0007: special characters are not allowed"]


def test_validation_errors_become_located_messages() -> None:
    """Each pydantic error becomes one message at the node's line, naming the field."""
    problems = Problems()
    data = parse_yaml(RUNBOOK.replace("SEV4", "SEV9"), "r.yml", problems)
    assert validate(Runbook, Document("r.yml", data), problems) is None
    assert [p.format() for p in problems.items] == [
        "r.yml:5:11: error: severity: 'SEV9' is not valid: input should be 'SEV1', 'SEV2', 'SEV3' or 'SEV4'",
        "r.yml:11:5: error: steps[1].expected: field required",
    ]


def test_front_matter_lines_count_from_the_file_start(tmp_path: Path) -> None:
    """Front matter positions include the opening ``---``, and the body knows its first line."""
    file = tmp_path / "a.md"
    file.write_text("---\nid: a\ntitle: A\n---\n\n# A\n", encoding="utf-8")
    doc = read_markdown_file(file, "content/a.md", Problems())
    assert doc is not None
    assert locate(doc.data, ("title",), doc.line_offset) == (3, 8)
    assert doc.body_line == 5
    assert doc.body == "\n# A\n"

"""libyaml-backed round-trip loading gives exactly what ruamel's pure parser gives: data, types, positions, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.yaml_positions import load_yaml, pure_yaml

REPO = Path(__file__).resolve().parents[3]
SOURCES = sorted(
    p for folder in ("content", "quizzes", "tests/data", "generator/scaffold")
    for p in (REPO / folder).rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()
)


def same(a: Any, b: Any, where: str = "") -> None:
    """Equal values of equal types, and for mappings and sequences the same positions."""
    assert type(a) is type(b), where
    if isinstance(a, (CommentedMap, CommentedSeq)):
        assert (a.lc.line, a.lc.col, a.lc.data) == (b.lc.line, b.lc.col, b.lc.data), where
        assert len(a) == len(b), where
        for key in (a if isinstance(a, CommentedMap) else range(len(a))):
            same(a[key], b[key], f"{where}/{key}")
    else:
        assert a == b, where


def outcome(load: Any, text: str) -> Any:
    try:
        return load(text)
    except YAMLError as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_repository_yaml_loads_as_the_pure_parser_loads_it(path: Path) -> None:
    """Each YAML source of the repository and its test data gives the pure parser's data and positions, or its error."""
    text = path.read_text(encoding="utf-8")
    fast, pure = outcome(load_yaml, text), outcome(pure_yaml().load, text)
    if isinstance(pure, tuple):
        assert fast == pure
    else:
        same(fast, pure)


@pytest.mark.parametrize("text", [
    "a: yes\nb: 017\nc: 0o17\nd: 1_000\ne: 2026-01-01\nf: ~\ng: .inf\nh: 1:20\n",
    "%YAML 1.1\n---\na: yes\nb: 017\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "steps:\n  - {action: a: b}\n",
    "id: x\nid: y\n",
    "key: [unclosed\n",
])
def test_tricky_yaml_loads_as_the_pure_parser_loads_it(text: str) -> None:
    """YAML 1.1/1.2 differences, a %YAML directive, merge keys, duplicate keys and syntax errors match the pure parser."""
    fast, pure = outcome(load_yaml, text), outcome(pure_yaml().load, text)
    if isinstance(pure, tuple):
        assert fast == pure
    else:
        same(fast, pure)

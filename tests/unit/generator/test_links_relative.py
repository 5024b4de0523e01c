"""``relative`` gives what ``posixpath.relpath`` gives for the same two pages, without asking the OS for the cwd."""

from __future__ import annotations

import itertools
import posixpath

import pytest

from generator.links import relative

PARTS = ["a", "b", "index.md", "x.md", ".", "..", ""]
CASES = [("/".join(t), "/".join(h)) for t in itertools.product(PARTS, repeat=2) for h in itertools.product(PARTS, repeat=2)]


def expected(target: str, here: str) -> str:
    try:
        return posixpath.relpath(target, posixpath.dirname(here) or ".")
    except ValueError as exc:
        return f"ValueError: {exc}"


def got(target: str, here: str) -> str:
    try:
        return relative(target, here)
    except ValueError as exc:
        return f"ValueError: {exc}"


@pytest.mark.parametrize(("target", "here"), [
    ("index.md", "index.md"), ("roles/x.md", "index.md"), ("index.md", "roles/x.md"),
    ("articles/ops/a.md", "kb/index.md"), ("a/b/c.md", "a/b/d.md"), ("/abs/x.md", "a/b.md"), ("../x.md", "a/b.md"),
])
def test_relative_matches_relpath_for_typical_pages(target: str, here: str) -> None:
    """Page-to-page links come out as relpath makes them."""
    assert got(target, here) == expected(target, here)


def test_relative_matches_relpath_for_every_short_combination() -> None:
    """Every pair of two-part paths built from names, '.', '..' and empty parts agrees with relpath."""
    assert [c for c in CASES if got(*c) != expected(*c)] == []

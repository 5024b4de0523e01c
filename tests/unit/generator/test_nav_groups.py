"""Long nav sections are cut into alphabetical groups, and many groups into ranges of groups."""

from __future__ import annotations

from typing import Any

from generator.pipeline import NAV_FANOUT, NAV_GROUP, _chunked


def entries(count: int) -> list[dict[str, str]]:
    """``count`` nav entries titled ``Article 0000`` ... in order."""
    return [{f"Article {i:04d}": f"articles/a{i}.md"} for i in range(count)]


def leaves(nav: list[Any]) -> list[dict[str, str]]:
    """Every page entry under ``nav``, in order."""
    out = []
    for entry in nav:
        (label, value), = entry.items()
        out += leaves(value) if isinstance(value, list) else [entry]
    return out


def test_a_short_section_is_left_flat() -> None:
    """Up to ``NAV_GROUP`` entries need no groups."""
    assert _chunked(entries(NAV_GROUP)) == entries(NAV_GROUP)


def test_a_long_section_gets_even_groups_labelled_by_their_range() -> None:
    """72 entries become 3 groups of 24, each labelled first – last."""
    nav = _chunked(entries(72))
    assert [next(iter(g)) for g in nav] == ["Article 0000 – Article 0023", "Article 0024 – Article 0047", "Article 0048 – Article 0071"]
    assert leaves(nav) == entries(72)


def test_many_groups_are_gathered_into_ranges_so_a_page_shows_few_labels() -> None:
    """550 entries: 22 groups of 25 would all show on every page; as 5 ranges of at most 5 groups a page shows 5 + 5."""
    nav = _chunked(entries(550))
    assert len(nav) == 5 and NAV_FANOUT < 22
    groups = [g for rng in nav for g in next(iter(rng.values()))]
    assert all(len(next(iter(rng.values()))) <= 5 for rng in nav)
    assert all(len(next(iter(g.values()))) <= NAV_GROUP for g in groups)
    assert next(iter(nav[0])) == "Article 0000 – Article 0124"
    assert leaves(nav) == entries(550)

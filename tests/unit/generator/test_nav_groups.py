"""Long nav sections are cut into alphabetical groups, and many groups into ranges of groups."""

from __future__ import annotations

from typing import Any

from generator.pipeline import NAV_FANOUT, NAV_GROUP, NAV_GROUP_IN_RANGES, _chunked


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
    """550 entries: 22 groups of 25 would all show on every page; as 6 ranges of at most 6 groups of 16 a page shows 6 + 6 labels."""
    nav = _chunked(entries(550))
    assert len(nav) == 6 and NAV_FANOUT < 22
    groups = [g for rng in nav for g in next(iter(rng.values()))]
    assert all(len(next(iter(rng.values()))) <= 6 for rng in nav)
    assert all(len(next(iter(g.values()))) <= NAV_GROUP_IN_RANGES for g in groups)
    assert next(iter(nav[0])) == "Article 0000 – Article 0095"
    assert leaves(nav) == entries(550)


def shown(nav: list[Any], page: dict[str, str]) -> int:
    """Entries and labels the pruned nav shows on ``page``: its siblings at every level on its path."""
    for entry in nav:
        (_, value), = entry.items()
        if isinstance(value, list) and page in leaves(value):
            return len(nav) + shown(value, page)
    return len(nav)


def test_a_page_of_a_very_long_section_shows_few_entries_and_labels() -> None:
    """1,100 entries (a 10,000-page site's folder): 9 ranges + 8 groups + 16 entries, not 7 + 7 + 25 with groups of 25."""
    items = entries(1100)
    nav = _chunked(items)
    assert leaves(nav) == items
    assert max(shown(nav, page) for page in items[::37]) == 9 + 8 + 16


def test_up_to_fanout_groups_stay_one_level() -> None:
    """A section of up to ``NAV_FANOUT`` full groups (a 1,000-page site's folders) keeps groups of ``NAV_GROUP``, one level."""
    nav = _chunked(entries(NAV_GROUP * NAV_FANOUT))
    assert len(nav) == NAV_FANOUT and all(len(next(iter(g.values()))) == NAV_GROUP for g in nav)
    assert all(isinstance(e, dict) and isinstance(next(iter(e.values())), str) for g in nav for e in next(iter(g.values())))

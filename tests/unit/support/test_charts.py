"""Report charts: each bar is named in full above it, never cut at the chart's edge."""

from __future__ import annotations

import re

from support.web.charts import CHARS, bar_chart, label_lines


def test_a_long_label_is_written_in_full_from_the_left_edge() -> None:
    """"production-operator-certification" is one line starting at x=0, not its last 22 characters right-aligned."""
    svg = str(bar_chart("c", "Pass rate", ["Production operator certification (line 4)", "Developer"], [80.0, 40.0], "%"))
    assert '<tspan x="0" dy="0">Production operator certification (line 4)</tspan>' in svg
    assert "text-anchor" not in svg
    assert all(float(x) >= 0 for x in re.findall(r'x="([-0-9.]+)"', svg))


def test_very_long_labels_wrap_onto_at_most_three_lines() -> None:
    """A label longer than a line wraps at words; past three lines the rest is shortened with an ellipsis."""
    lines = label_lines(" ".join(["maintenance"] * 30))
    assert len(lines) == 3 and lines[-1].endswith("…") and all(len(line) <= CHARS for line in lines)

"""Server-rendered inline SVG bar charts with a text alternative (no scripts, no external libraries)."""

from __future__ import annotations

import html
import textwrap

from markupsafe import Markup

BAR = 18
GAP = 10
LINE = 17
WIDTH = 520
CHARS = 62  # characters of a 13 px label line that fit the chart's width
MAX_LINES = 3


def label_lines(label: str) -> list[str]:
    """A label wrapped at word boundaries into lines that fit the chart (at most three; the rest shortened with …)."""
    lines = textwrap.wrap(str(label), CHARS, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][:CHARS - 1].rstrip() + "…"
    return lines


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[float], unit: str = "") -> Markup:
    """A horizontal bar chart; the SVG is ``role="img"`` with a title and a description listing every value.

    Each label is written in full above its bar, starting at the left edge, so none is cut off at a
    narrow width (the label column beside the bars clipped long role ids).
    """
    top = max([v for v in values if isinstance(v, (int, float))] or [0]) or 1
    scale = (WIDTH - 70) / top
    desc = "; ".join(f"{label}: {_fmt(v, unit)}" for label, v in zip(labels, values))
    rows, y = [], GAP
    for label, value in zip(labels, values):
        lines = label_lines(label)
        text = "".join(f'<tspan x="0" dy="{LINE if i else 0}">{html.escape(line)}</tspan>' for i, line in enumerate(lines))
        rows.append(f'<text x="0" y="{y + 13}">{text}</text>')
        y += LINE * len(lines)
        width = max(0.0, (value if isinstance(value, (int, float)) else 0) * scale)
        rows.append(f'<rect x="0" y="{y}" width="{width:.1f}" height="{BAR}" class="bar"></rect>'
                    f'<text x="{width + 6:.1f}" y="{y + BAR * 0.75:.0f}">{html.escape(_fmt(value, unit))}</text>')
        y += BAR + GAP
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {WIDTH} {y}" '
        f'width="{WIDTH}" height="{y}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{html.escape(title)}</title><desc id="{chart_id}-d">{html.escape(desc)}</desc>'
        + "".join(rows) + "</svg>")


def _fmt(value: object, unit: str = "") -> str:
    if value in ("", None):
        return "n/a"
    return (f"{value:g}" if isinstance(value, float) else str(value)) + unit

"""Server-rendered inline SVG bar charts with a text alternative (no scripts, no external libraries)."""

from __future__ import annotations

import html

from markupsafe import Markup

BAR = 22
GAP = 8
LABEL = 150
WIDTH = 520


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[float], unit: str = "") -> Markup:
    """A horizontal bar chart; the SVG is ``role="img"`` with a title and a description listing every value."""
    top = max([v for v in values if isinstance(v, (int, float))] or [0]) or 1
    scale = (WIDTH - LABEL - 60) / top
    height = len(labels) * (BAR + GAP) + GAP
    desc = "; ".join(f"{label}: {_fmt(v, unit)}" for label, v in zip(labels, values))
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{html.escape(title)}</title><desc id="{chart_id}-d">{html.escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = GAP + i * (BAR + GAP)
        width = max(0.0, (value if isinstance(value, (int, float)) else 0) * scale)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end">{html.escape(str(label)[:22])}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" class="bar"></rect>'
            f'<text x="{LABEL + width + 6:.1f}" y="{y + BAR * 0.7:.0f}">{html.escape(_fmt(value, unit))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt(value: object, unit: str = "") -> str:
    if value in ("", None):
        return "n/a"
    return (f"{value:g}" if isinstance(value, float) else str(value)) + unit

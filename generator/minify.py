"""Whitespace collapsing for the built HTML pages (``PortalPlugin.on_post_page``).

The theme's templates indent every nav entry, and a page of a large site carries many of them:
on a 5,000-page portal half of an article page's bytes were whitespace. A line break with the
indentation and blank lines after it becomes one line break, which a browser renders the same;
``<pre>``, ``<textarea>``, ``<script>`` and ``<style>`` are left as they are, since whitespace
means something there. (One pattern starting at a line break: about 0.5 ms per page.)
"""

from __future__ import annotations

import re

KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
INDENT = re.compile(r"\n\s+")


def collapse_whitespace(html: str) -> str:
    """``html`` with whitespace runs collapsed outside the elements where whitespace is content."""
    parts = KEEP.split(html)
    out = []
    # split() with two groups yields: text, whole kept element, tag name, text, ...
    for i in range(0, len(parts), 3):
        out.append(INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)

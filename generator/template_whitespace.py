"""Smaller pages from the theme's own templates: their indentation is left out when they are loaded.

The theme's templates indent every nav entry, and a page of a large site carries many of them: on
a 5,000-page portal half of an article page's bytes were whitespace. :class:`ThemeWhitespace`
removes that whitespace from the template *source*, once per template, so no page pays for it
(collapsing it in each built page instead cost about 0.4 s of a 1,000-page build, 3 %):

- every line loses its leading blanks (a line break stays, so words and inline elements keep the
  space between them and the page renders the same);
- a line holding only a control tag that prints nothing (``if``, ``for``, ``macro``, ``set x = ...``,
  ``import``, a comment, ...) loses its line break: the line before already ended with one.

``<pre>`` and ``<textarea>`` in a template are left as they are, since whitespace means something
there. Page content (the Markdown turned into HTML) is not touched.
"""

from __future__ import annotations

import re

from jinja2.ext import Extension

KEEP = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)", re.S | re.I)
INDENT = re.compile(r"^[ \t]+", re.M)
_TAG_BODY = r"(?:[^%\n]|%(?!\}))*"  # anything up to the first %}
CONTROL_LINE = re.compile(
    r"^(\{%-?\s*(?:(?:if|elif|for|macro|import|from|with)\b" + _TAG_BODY + r"|(?:else|endif|endfor|endmacro|endwith)\s*"
    r"|set\s+[\w, ]+=" + _TAG_BODY + r")-?%\}|\{#(?:[^#\n]|#(?!\}))*#\})\n",
    re.M,
)


def compact_template(source: str) -> str:
    """``source`` without indentation and without the line breaks of control-tag-only lines."""
    parts = KEEP.split(source)
    out = []
    # split() with two groups yields: text, whole kept element, tag name, text, ...
    for i in range(0, len(parts), 3):
        out.append(CONTROL_LINE.sub(r"\1", INDENT.sub("", parts[i])))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


class ThemeWhitespace(Extension):
    """Jinja extension applying :func:`compact_template` to every template the theme loads."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Compact the template's source before Jinja compiles it."""
        return compact_template(source)

"""The theme's templates loaded without their indentation: smaller pages that render the same."""

from __future__ import annotations

import re

from jinja2 import DictLoader, Environment

from generator.template_whitespace import ThemeWhitespace, compact_template

NAV = """<ul>
  {% for item in items %}
    {# one entry #}
    {% set label = item | upper %}
    <li>
      {% if item == "b" %}<b>{{ label }}</b>{% else %}{{ label }}{% endif %}
      {% include "icon.svg" %}
    </li>
  {% endfor %}
</ul>"""


def render(compact: bool) -> str:
    """NAV rendered as the theme would, with or without the extension."""
    env = Environment(loader=DictLoader({"nav.html": NAV, "icon.svg": "<svg/>"}), extensions=[ThemeWhitespace] if compact else [])
    return env.get_template("nav.html").render(items=["a", "b"])


def test_indentation_and_control_lines_leave_no_whitespace_behind() -> None:
    """Each element starts a line of its own; lines that held only an if, for, set or comment are gone."""
    assert render(compact=True) == "<ul>\n<li>\nA\n<svg/>\n</li>\n<li>\n<b>B</b>\n<svg/>\n</li>\n</ul>"


def test_the_page_reads_the_same_with_and_without_it() -> None:
    """Whitespace is shorter, never added or removed between two pieces of text or elements."""
    normal = re.sub(r"\s+", " ", render(compact=False)).strip()
    compact = re.sub(r"\s+", " ", render(compact=True)).strip()
    assert normal == compact
    assert len(render(compact=True)) < len(render(compact=False)) / 2


def test_whitespace_that_means_something_is_left_alone() -> None:
    """Preformatted blocks and text areas in a template keep every blank and line break."""
    kept = ["<pre>\n  def f():\n      return  1\n</pre>", "<TEXTAREA name=t>a\n\n   b</TEXTAREA>"]
    source = "<div>\n   {% if x %}\n   x\n   {% endif %}\n</div>\n   ".join(kept)
    out = compact_template(source)
    assert all(block in out for block in kept)
    assert out.count("<div>\n{% if x %}x\n{% endif %}</div>\n") == len(kept) - 1


def test_tags_that_print_or_capture_keep_their_line_break() -> None:
    """``include``, ``block`` and a ``set`` block print or capture text, so the line break after them stays."""
    source = '{% block content %}\n{% include "x" %}\n{% set note %}\nkept\n{% endset %}\n{% endblock %}\n'
    assert compact_template(source) == source

"""Whitespace collapsing of built pages: smaller pages that render the same."""

from __future__ import annotations

from generator.minify import collapse_whitespace


def test_indentation_and_blank_lines_collapse_to_one_line_break() -> None:
    """Indented markup keeps one line break between tags; text on a line is untouched."""
    html = "<ul>\n      <li>\n        <a href='x'>Home page</a>\n      </li>\n\n  \n    </ul>"
    assert collapse_whitespace(html) == "<ul>\n<li>\n<a href='x'>Home page</a>\n</li>\n</ul>"


def test_whitespace_that_means_something_is_left_alone() -> None:
    """Code blocks, text areas, scripts and styles keep every blank and line break."""
    kept = ["<pre><code>def f():\n    return  1\n</code></pre>", "<textarea name=t>a\n\n   b</textarea>",
            "<script>\n  var a = 1\n  var  b = 2\n</script>", "<STYLE>\n  p  { margin: 0 }\n</STYLE>"]
    html = "<div>\n   x\n</div>\n   ".join(kept)
    out = collapse_whitespace(html)
    assert all(block in out for block in kept)
    assert out.count("<div>\nx\n</div>\n") == len(kept) - 1


def test_a_page_without_whitespace_runs_is_unchanged() -> None:
    """Single spaces and single line breaks are already minimal."""
    html = "<p>One line.</p>\n<p>Another <em>line</em>.</p>"
    assert collapse_whitespace(html) == html

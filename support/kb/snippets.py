"""What a search result shows of a page: plain sentences around the match, never raw Markdown.

``prose`` reduces an article's Markdown to the sentences a reader would read aloud: code blocks,
command output and JSON go, a table row becomes its cells in a sentence, link targets, emphasis
and HTML tags go. ``snippet`` picks about ``SNIPPET_CHARS`` of it around the densest run of the
query's words, escaped, the words in ``<mark>``.
"""

from __future__ import annotations

import html
import re

SNIPPET_CHARS = 160
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1[^\n]*$", re.M | re.S)
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
CODE_LINE = re.compile(r"^\s*[\[{}\]]|^\s*\"[^\"]*\"\s*:|^\s*\$ ")  # JSON, a shell prompt
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s*\w+(\s+\"([^\"]*)\")?\s*$")
INLINE = [
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),  # HTML tags (their text stays)
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](target) -> text
    (re.compile(r"\{[:#.][^}]*\}"), ""),  # attribute lists {: #id .class}
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", re.M), ""),  # headings, quotes, list markers
    (re.compile(r"`|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),  # code spans, emphasis
]


def prose(markdown: str) -> str:
    """The readable sentences of ``markdown``: no code blocks, command output, JSON, table pipes or markup."""
    lines = []
    for line in FENCE.sub("\n", markdown).splitlines():
        if TABLE_RULE.match(line) or CODE_LINE.match(line):
            continue
        admonition = ADMONITION.match(line)
        if admonition:
            line = admonition.group(3) or ""
        elif line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = "; ".join(c for c in cells if c) + "."
        lines.append(line)
    text = "\n".join(lines)
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return re.sub(r"[ \t]*\n\s*", "\n", text).strip()


def marker(words: list[str], skip: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern matching words that start with one of ``words`` (``barcod`` marks ``barcodes``), ``skip`` left out."""
    starts = sorted({re.escape(w) for w in words if len(w) > 1 and w not in skip}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(starts)})\w*", re.I) if starts else None


def snippet(text: str, pattern: re.Pattern[str] | None) -> str:
    """About ``SNIPPET_CHARS`` of ``text`` around its densest run of matches: escaped, matches in ``<mark>``."""
    matches = list(pattern.finditer(text)) if pattern else []
    if not matches:
        return ""
    best, start = 0, matches[0].start()
    for i, m in enumerate(matches):  # the window starting at a match that covers the most distinct words
        covered = {x.group().lower() for x in matches[i:] if x.end() <= m.start() + SNIPPET_CHARS}
        if len(covered) > best:
            best, start = len(covered), m.start()
    begin = _sentence_start(text, start)
    end = text.find(" ", min(len(text), begin + SNIPPET_CHARS + 30))
    end = len(text) if end == -1 else end
    window, out, at = text[begin:end], [], 0
    for m in pattern.finditer(window):
        out += [html.escape(window[at:m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        at = m.end()
    out.append(html.escape(window[at:]))
    return ("… " if begin else "") + "".join(out).replace("\n", " ") + (" …" if end < len(text) else "")


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding ``at`` begins, or a little before ``at`` when that sentence is long."""
    found = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at))
    if found >= 0 and at - found <= 60:
        return found + (2 if text[found] == "." else 1)
    return text.rfind(" ", 0, at - 30) + 1 if at > 30 else 0

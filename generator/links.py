"""Internal links: id links (``article:ID#anchor``), page paths, URLs and heading anchors.

Authors link by id (``[text](runbook:rollback#step-3)``) so that moving a file breaks nothing;
rendering rewrites each id link to a relative ``.md`` path that MkDocs then turns into a URL.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterator

from markdown.extensions.toc import slugify, unique

ID_KINDS = ("article", "runbook", "role", "assessment")
ID_LINK = re.compile(r"\]\(\s*(article|runbook|role|assessment):([^)\s#]*)(#[^)\s]*)?\s*\)")
MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*([^}\n]*)\}[ \t]*$")
ATTR_ID = re.compile(r"(?:^|\s)#([\w-]+)")
HTML_ID = re.compile(r"""\bid=["']([\w-]+)["']""")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Link:
    """A link found in Markdown text, with its 1-based line and column in that text."""

    target: str
    line: int
    col: int


def page_path(kind: str, ident: str, article_paths: dict[str, str]) -> str | None:
    """The page (relative to the docs folder) that shows a source of ``kind``, or None."""
    if kind == "article":
        return article_paths.get(ident)
    folder = {"runbook": "runbooks", "role": "roles", "assessment": "assessments"}[kind]
    return f"{folder}/{ident}.md"


def relative(target: str, here: str) -> str:
    """The relative path from page ``here`` to page ``target`` (both docs-relative)."""
    start = posixpath.dirname(here) or "."
    to, base = _parts(target), _parts(start)
    if to is None or base is None:
        return posixpath.relpath(target, start)
    common = 0
    for a, b in zip(to, base):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


def _parts(path: str) -> list[str] | None:
    """The parts of a relative path without ``..``; None where only ``posixpath.relpath`` will do.

    ``relpath`` makes both paths absolute (a ``getcwd`` per call, most of rendering's link time);
    for such paths the current directory is a common prefix that cancels out, so comparing the
    parts gives the same answer.
    """
    if not path or path.startswith("/"):
        return None
    parts = [p for p in path.split("/") if p and p != "."]
    return None if ".." in parts else parts


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives a page, e.g. ``roles/operator.md`` -> ``roles/operator/``."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def iter_links(markdown: str) -> Iterator[Link]:
    """Every inline link target outside fenced code, with its position."""
    for number, text in _prose_lines(markdown):
        for match in MD_LINK.finditer(text):
            yield Link(match.group(1), number, match.start(1) + 1)


def anchors(markdown: str) -> set[str]:
    """The heading ids Python-Markdown's toc extension gives a page, plus explicit ``{#id}``s."""
    found: set[str] = set()
    previous = ""
    for _, text in _prose_lines(markdown):
        heading = HEADING.match(text) if text.startswith("#") else None
        title = heading.group(2) if heading else None
        if title is None and text.startswith(("=", "-")) and SETEXT.match(text) and previous.strip() and not previous.startswith((" ", "\t", "-", "*", "|")):
            title = previous.strip()
        if title is not None:
            attrs = ATTR_LIST.search(title)
            explicit = ATTR_ID.search(attrs.group(1)) if attrs else None
            if explicit:
                found.add(explicit.group(1))
            else:
                plain = _plain(title[: attrs.start()] if attrs else title)
                found.add(unique(slugify(plain, "-"), found))
        if "id=" in text:
            found.update(HTML_ID.findall(text))
        previous = text
    return found


def _plain(title: str) -> str:
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    title = re.sub(r"<[^>]+>", "", title)
    return re.sub(r"[`*_]", "", title)


def _prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    fence: str | None = None
    for number, text in enumerate(markdown.splitlines(), start=1):
        marker = FENCE.match(text) if "```" in text or "~~~" in text else None
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            continue
        if fence is None:
            yield number, text


def rewrite_id_links(markdown: str, here: str, article_paths: dict[str, str]) -> str:
    """Replace id links outside fenced code with relative ``.md`` paths; unknown ids stay for the checker."""

    def replace(match: re.Match[str]) -> str:
        kind, ident, anchor = match.group(1), match.group(2), match.group(3) or ""
        target = page_path(kind, ident, article_paths)
        if target is None:
            return match.group(0)
        return f"]({relative(target, here)}{anchor})"

    if "](" not in markdown:
        return markdown
    out, fence = [], None
    for text in markdown.splitlines(keepends=True):
        marker = FENCE.match(text)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
        elif fence is None and "](" in text:
            text = ID_LINK.sub(replace, text)
        out.append(text)
    return "".join(out)

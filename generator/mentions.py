"""Warn about runbooks and articles named in plain text where a link would take the reader there.

"See the failed-health-check runbook" helps nobody who cannot find it; ``[Recover from a failed
health check](runbook:failed-health-check)`` does, and breaks loudly when the runbook goes. A mention
is another source's title (two words or more) or its hyphenated id, outside code and links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import Problems
from .load import Portal

WORD = re.compile(r"[a-z0-9][a-z0-9/'-]*", re.I)
MASKED = re.compile(
    r"^(```|~~~).*?^\1[ \t]*$"          # fenced code
    r"|`[^`\n]*`"                        # inline code
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"        # links and images, text and target
    r"|<a\b.*?</a>|<[^>\n]+>"            # HTML links and tags
    r"|^#+[ \t][^\n]*$",                # headings
    re.S | re.M | re.I,
)


@dataclass(frozen=True)
class Target:
    """A source that can be mentioned: how it is named, and the link to write instead."""

    kind: str
    ident: str
    title: str
    pattern: re.Pattern[str]

    @property
    def link(self) -> str:
        """The Markdown link the mention should be."""
        return f"[{self.title}]({self.kind}:{self.ident})"


class Index:
    """Mentionable names by their first word, and the first word pairs that let most texts be skipped at once."""

    def __init__(self, targets: list[tuple[list[str], Target]]):
        self.by_first: dict[str, list[Target]] = {}
        self.singles: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        for words, target in targets:
            lowered = [w.lower() for w in words]
            self.by_first.setdefault(lowered[0], []).append(target)
            if len(lowered) == 1:
                self.singles.add(lowered[0])
            else:
                self.pairs.add((lowered[0], lowered[1]))

    def may_name(self, tokens: list[str]) -> bool:
        """Whether a text with these lower-case words could name any target (set operations, in C)."""
        return bool(self.singles.intersection(tokens) or self.pairs.intersection(zip(tokens, tokens[1:])))


def index(portal: Portal) -> Index:
    """Every mentionable name of the portal's runbooks and articles."""
    found = []
    for kind, table in (("runbook", portal.runbooks), ("article", portal.articles)):
        for ident, source in table.items():
            title = source.model.title
            names = [title] if len(title.split()) >= 2 and len(title) >= 10 else []
            names += [ident] if "-" in ident else []
            for name in names:
                words = WORD.findall(name)
                if words:
                    found.append((words, Target(kind, ident, title, _pattern(words, name == ident))))
    return Index(found)


def _pattern(words: list[str], is_id: bool) -> re.Pattern[str]:
    """A title matches with its own capitals (so "a first-article inspection" is a term, not the article
    "First-article inspection"); the first letter may differ when another capital marks it a name."""
    first, rest = re.escape(words[0]), r"\W+".join(map(re.escape, words[1:]))
    if is_id:
        return re.compile(first + r"(?![\w-])", re.I)
    if any(c.isupper() for c in "".join(words)[1:]):
        first = f"[{words[0][0].upper()}{words[0][0].lower()}]" + re.escape(words[0][1:])
    return re.compile(first + r"\W+" + rest + r"(?![\w-])")


def mentions(text: str, names: Index, own: tuple[str, str]) -> Iterator[tuple[int, Target]]:
    """Offsets in ``text`` where another source is named in plain text, and which one."""
    if not names.may_name(WORD.findall(text.lower())):  # masking can only take names away
        return
    masked = MASKED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for word in WORD.finditer(masked):
        start = word.start()
        if start and (masked[start - 1].isalnum() or masked[start - 1] in "-/"):
            continue
        for target in names.by_first.get(word.group(0).lower(), ()):
            if (target.kind, target.ident) != own and target.pattern.match(masked, start):
                yield start, target
                break


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _message(target: Target) -> str:
    return f"the {target.kind} '{target.title}' is named in plain text: link it as {target.link}"


def check_mentions(portal: Portal, problems: Problems) -> None:
    """Warn, at the place, about each plain-text mention of another runbook or article."""
    targets = index(portal)
    if not targets.by_first:
        return
    for ident, source in portal.articles.items():
        body = source.doc.body
        for offset, target in mentions(body, targets, ("article", ident)):
            line, col = _line_col(body, offset)
            problems.add(source.path, source.doc.body_line + line - 1, col, _message(target), "warning")
    for ident, source in portal.runbooks.items():
        for loc, text in _strings(source.doc.data, ()):
            for _, target in mentions(text, targets, ("runbook", ident)):
                line, col = source.where(*loc)
                problems.add(source.path, line, col, _message(target), "warning")


def _strings(node: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if key not in ("id", "title", "command", "related_articles", "roles"):
                yield from _strings(value, loc + (key,))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            yield from _strings(value, loc + (i,))
    elif isinstance(node, str):
        yield loc, node

"""Warn about runbooks and articles named in plain text where a link would take the reader there.

"See the failed-health-check runbook" helps nobody who cannot find it; ``[Recover from a failed
health check](runbook:failed-health-check)`` does, and breaks loudly when the runbook goes. A mention
is another source's title (two words or more) or its hyphenated id, outside code and links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import Problems
from .load import Portal

WORD = re.compile(r"[a-z0-9][a-z0-9/'-]*", re.I)
WORD_CHAR = re.compile(r"[a-z0-9]", re.I)
INNER = re.compile(r"[/'-]*", re.I)  # what may stand between a word's first letter and an earlier one of the same word
NEXT = re.compile(r"\W+(\w+)")  # the letters after a word: where a title's second word must begin
MASKED = re.compile(
    r"(?=[`~!\[<#])(?:"                  # each kind starts with one of these: half the scan's time, where most places start none
    r"^(```|~~~).*?^\1[ \t]*$"          # fenced code
    r"|`[^`\n]*`"                        # inline code
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"        # links and images, text and target
    r"|<a\b.*?</a>|<[^>\n]+>"            # HTML links and tags
    r"|^#+[ \t][^\n]*$)",               # headings
    re.S | re.M | re.I,
)


@dataclass(frozen=True)
class Target:
    """A source that can be mentioned: how it is named, and the link to write instead."""

    kind: str
    ident: str
    title: str
    words: tuple[str, ...]
    is_id: bool

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """How the name is matched (compiled when first needed: most names are never looked for, and compiling them all cost ~0.2 s per 1,000 pages)."""
        return _pattern(list(self.words), self.is_id)

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
        # What a match needs in the masked text, in its own case: an id's word, or a title's first word with either
        # first letter (what `_pattern` asks for), looked up in sets instead of trying every word.
        self.ids: set[str] = set()
        self.title_words: set[str] = set()
        self.always: set[str] = set()
        self.by_next: dict[str, dict[str | None, list[Target]]] = {}
        for first, named in self.by_first.items():
            seconds = {_second(t) for t in named} - {None}
            self.by_next[first] = {h: [t for t in named if _second(t) in (None, h)] for h in (None, *seconds)}
        for words, target in targets:
            first = words[0]
            if target.is_id:
                self.ids.add(first.lower())
            elif not first[0].isascii():
                self.always.add(first.lower())
            elif any(c.isupper() for c in "".join(words)[1:]):
                self.title_words.update((first[0].upper() + first[1:], first[0].lower() + first[1:]))
            else:
                self.title_words.add(first)

    def may_name(self, tokens: list[str]) -> bool:
        """Whether a text with these lower-case words could name any target (set operations, in C)."""
        return bool(self.singles.intersection(tokens) or self.pairs.intersection(zip(tokens, tokens[1:])))

    def firsts(self, masked: str) -> set[str]:
        """The (lower-case) first words of the names that may stand in this masked text: the only places worth trying a match."""
        words = set(WORD.findall(masked))
        found = {w.lower() for w in self.title_words.intersection(words)}
        found.update(self.ids.intersection(w.lower() for w in words))
        return found | self.always


def _second(target: Target) -> str | None:
    """The letters a title's second word begins with (``NEXT`` finds them after the first word), or None for one word."""
    if target.is_id or len(target.words) < 2:
        return None
    return re.match(r"\w+", target.words[1]).group(0)  # type: ignore[union-attr]


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
                    found.append((words, Target(kind, ident, title, tuple(words), name == ident)))
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
    tokens = WORD.findall(text.lower())
    if not names.may_name(tokens):  # masking can only take names away
        return
    masked = MASKED.sub(_blank, text)
    lowered = masked.lower()
    firsts = names.firsts(masked) & names.by_first.keys()
    # Only where a candidate's first word stands, not at every word: the walk over every word was most of a build's check.
    starts = sorted({at for first in firsts for at in _finds(lowered, first)}) if len(lowered) == len(masked) else \
        [w.start() for w in WORD.finditer(masked)]
    for start in starts:
        if start and (masked[start - 1].isalnum() or masked[start - 1] in "-/" or not _word_starts(masked, start)):
            continue
        word = WORD.match(masked, start)
        if word is None or (table := names.by_next.get(word.group(0).lower())) is None:
            continue
        after = NEXT.match(masked, word.end())
        for target in table.get(after.group(1) if after else None) or table[None]:
            if (target.kind, target.ident) != own and target.pattern.match(masked, start):
                yield start, target
                break


def _blank(match: re.Match[str]) -> str:
    """The masked text as spaces, its line breaks kept (so offsets and lines stay)."""
    text = match.group(0)
    return " " * len(text) if "\n" not in text else "\n".join(" " * len(line) for line in text.split("\n"))


def _finds(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _word_starts(text: str, start: int) -> bool:
    """Whether a word (``WORD``) begins at ``start``, as a scan from the text's start finds them: not inside an earlier one."""
    before = start
    while before and INNER.fullmatch(text, before - 1, before):
        before -= 1
    return not (before and WORD_CHAR.fullmatch(text, before - 1, before))


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

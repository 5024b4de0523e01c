"""Located problems: what went wrong, where, and how they are printed.

Problems are values, collected while loading and checking sources and reported together,
one line each, in the form ``path:line:col: severity: message``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a source file.

    Attributes:
        path: The file, relative to the portal's folder.
        line: 1-based line, or 0 when the whole file is meant.
        col: 1-based column, or 0 when unknown.
        severity: ``"error"`` or ``"warning"``.
        message: What is wrong and how to fix it.
    """

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def format(self) -> str:
        """Render as ``path:line:col: severity: message``."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Problems:
    """An ordered collection of problems with helpers to add and count them."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, col: int, message: str, severity: Severity = "error") -> None:
        """Record one problem."""
        self.items.append(Problem(path, line, col, severity, message))

    def extend(self, other: Iterable[Problem]) -> None:
        """Record several problems."""
        self.items.extend(other)

    def errors_for(self, path: str) -> list[Problem]:
        """The errors recorded against one file."""
        return [p for p in self.items if p.severity == "error" and p.path == path]

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity error."""
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity warning."""
        return [p for p in self.items if p.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        """Whether the problems stop a build (warnings count only when strict)."""
        return bool(self.errors or (strict and self.warnings))

    def promoted(self, strict: bool) -> "Problems":
        """A copy where warnings become errors when ``strict`` is set."""
        if not strict:
            return Problems(list(self.items))
        return Problems([Problem(p.path, p.line, p.col, "error", p.message) for p in self.items])

    def report(self, command: str) -> str:
        """All problems, sorted by place, then a count line naming the command."""
        lines = [p.format() for p in sorted(self.items, key=_place)]
        lines.append(f"{command}: {_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}")
        return "\n".join(lines)


def _place(problem: Problem) -> tuple[str, int, int]:
    return (problem.path, problem.line, problem.col)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` suffix for the closest choice, or an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""

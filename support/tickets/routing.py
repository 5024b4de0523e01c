"""Routing: groups of agents and the rules that send a new ticket to a tier, a group and an assignee.

The rules are a YAML source (``PORTAL_ROUTING_FILE``, default ``<portal>/routing.yml``) validated like the
portal's other sources: every problem is reported as ``path:line:col: error: ...`` and a file with errors routes
nothing (the last good rules stay in force). The first rule whose conditions all hold fires; its name goes into
the ticket's history.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.errors import Problems
from generator.sources import locate, read_yaml_file, validate

log = logging.getLogger("support.routing")
Priority = Literal["P1", "P2", "P3", "P4"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Group(_Strict):
    """A group of agents; ``round_robin`` deals its new tickets in turn to the members who are available."""

    name: str = Field(min_length=1, max_length=80)
    members: list[str] = Field(default_factory=list, description="The agents' email addresses.")
    round_robin: bool = False


class When(_Strict):
    """Conditions of a rule; every one given must hold (a list: any of its values)."""

    category: list[str] | None = None
    role: list[str] | None = Field(None, description="A role of the page the help link came from.")
    priority: list[Priority] | None = None
    subject_words: list[str] | None = Field(None, description="Any of these words in the subject (case does not matter).")

    @field_validator("category", "role", "priority", "subject_words", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Then(_Strict):
    """What a rule sets."""

    tier: int | None = Field(None, ge=1, le=3)
    group: str | None = None
    assignee: str | None = Field(None, description="An agent's email address.")


class Rule(_Strict):
    """One routing rule."""

    name: str = Field(min_length=1, max_length=120)
    when: When = Field(default_factory=When)
    then: Then


class RoutingFile(_Strict):
    """The routing source: groups by id, then the rules in the order they are tried."""

    groups: dict[str, Group] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)


@dataclass
class Facts:
    """What the rules look at in a new ticket."""

    category: str
    priority: str
    subject: str
    roles: tuple[str, ...] = ()


def matches(rule: Rule, facts: Facts) -> bool:
    """True when every condition the rule gives holds for the ticket."""
    when = rule.when
    words = set(re.findall(r"\w+", facts.subject.lower()))
    return ((when.category is None or facts.category in when.category)
            and (when.role is None or bool(set(when.role) & set(facts.roles)))
            and (when.priority is None or facts.priority in when.priority)
            and (when.subject_words is None or any(w.lower() in words for w in when.subject_words)))


def first_match(rules: RoutingFile, facts: Facts) -> Rule | None:
    """The first rule that fires, or None."""
    return next((rule for rule in rules.rules if matches(rule, facts)), None)


def check(rules: RoutingFile, doc: Any, problems: Problems, path: str) -> None:
    """Cross-references: a rule's group must be defined, its assignee a member of that group when it names one."""
    for index, rule in enumerate(rules.rules):
        group = rules.groups.get(rule.then.group) if rule.then.group else None
        if rule.then.group and group is None:
            line, col = locate(doc.data, ("rules", index, "then", "group"), doc.line_offset)
            known = ", ".join(sorted(rules.groups)) or "none defined"
            problems.add(path, line, col, f"rules[{index}].then.group: unknown group '{rule.then.group}' (groups: {known})")
        if group is not None and rule.then.assignee and rule.then.assignee.lower() not in {m.lower() for m in group.members}:
            line, col = locate(doc.data, ("rules", index, "then", "assignee"), doc.line_offset)
            problems.add(path, line, col, f"rules[{index}].then.assignee: {rule.then.assignee} is not a member of group '{rule.then.group}'")


def load(file: Path) -> tuple[RoutingFile | None, list[str]]:
    """The rules in ``file`` and the problems found (rules None when there is any error)."""
    problems = Problems()
    doc = read_yaml_file(file, str(file), problems)
    rules = validate(RoutingFile, doc, problems) if doc is not None else None
    if isinstance(rules, RoutingFile):
        check(rules, doc, problems, str(file))
    errors = [p.format() for p in problems.errors]
    return (rules if isinstance(rules, RoutingFile) and not errors else None), errors


@dataclass
class RoutingSource:
    """The routing file, read again when it changes (looked at most every ``check_seconds``)."""

    file: Path | None
    check_seconds: float = 1.0
    rules: RoutingFile = field(default_factory=RoutingFile)
    problems: list[str] = field(default_factory=list)
    _stamp: int | None = None
    _checked_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> RoutingFile:
        """The rules in force."""
        with self._lock:
            now = time.monotonic()
            if self.file is None or now - self._checked_at < self.check_seconds:
                return self.rules
            self._checked_at = now
            stamp = self.file.stat().st_mtime_ns if self.file.is_file() else None
            if stamp != self._stamp:
                self._stamp = stamp
                self._reload()
            return self.rules

    def _reload(self) -> None:
        if self.file is None or not self.file.is_file():
            self.rules, self.problems = RoutingFile(), []
            return
        rules, self.problems = load(self.file)
        for line in self.problems:
            log.warning("%s", line)
        if rules is not None:
            self.rules = rules

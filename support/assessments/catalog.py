"""The portal's quizzes and roles, read from their sources by the backend (never from the site).

Answer keys live only here and in the database: the static site shows a quiz's rules, the backend
reads the quiz files themselves. The catalog notices when a source file changes and reloads, so
``portal serve`` picks up an edited quiz without a restart; attempts already started keep the
version they were drawn from (see :func:`support.assessments.attempts.save_version`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from generator.errors import Problems
from generator.models import Role
from generator.quizzes import Quiz, check_quiz
from generator.sources import read_yaml_file, validate
from support.errors import NotFound
from support.settings import Settings

log = logging.getLogger("support.assessments.catalog")
YAML = ("*.yml", "*.yaml")


@dataclass
class Catalog:
    """Valid quizzes and roles keyed by id, and the problems that kept the others out."""

    quizzes_dir: Path | None
    roles_dir: Path | None
    check_seconds: float = 0.0
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    _stamp: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _checked_at: float = float("-inf")

    @classmethod
    def from_settings(cls, settings: Settings) -> "Catalog":
        """The catalog of the folders the settings name (``portal serve`` passes the ones ``mkdocs.yml`` configures)."""
        root = settings.portal_dir.resolve() if settings.portal_dir is not None else None
        quizzes = settings.quizzes_dir or (root / "quizzes" if root else None)
        roles = settings.roles_dir or (root / "content" / "roles" if root else None)
        catalog = cls(quizzes, roles, settings.source_check_seconds)
        catalog.refresh()
        return catalog

    def refresh(self) -> bool:
        """Reload when a quiz or role file was added, changed or removed; True if it reloaded.

        The files are looked at most once per ``check_seconds`` (listing and stat-ing every source
        file on each request was a seventh of the time of submitting a quiz).
        """
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at < self.check_seconds:
                return False
            self._checked_at = now
            stamp = {str(f): f.stat().st_mtime_ns for f in self._files()}
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            self._load()
            return True

    def quiz(self, quiz_id: str) -> Quiz:
        """The quiz with ``quiz_id``; ``NotFound`` otherwise."""
        self.refresh()
        quiz = self.quizzes.get(quiz_id)
        if quiz is None:
            raise NotFound(f"Assessment {quiz_id} not found")
        return quiz

    def role_title(self, role_id: str) -> str:
        """A role's title (its id when the role is unknown)."""
        role = self.roles.get(role_id)
        return role.title if role else role_id

    def quizzes_for_role(self, role_id: str) -> list[Quiz]:
        """Quizzes whose certificate counts toward ``role_id`` (or that belong to it), by title."""
        chosen = [q for q in self.quizzes.values() if (q.certification.role if q.certification else q.role) == role_id]
        return sorted(chosen, key=lambda q: q.title)

    def _files(self) -> list[Path]:
        found = []
        for folder, recursive in ((self.quizzes_dir, True), (self.roles_dir, False)):
            if folder is not None and folder.is_dir():
                for pattern in YAML:
                    found += folder.rglob(pattern) if recursive else folder.glob(pattern)
        return sorted(f for f in found if f.is_file())

    def _load(self) -> None:
        problems = Problems()
        quizzes, roles = {}, {}
        for file in self._files():
            is_quiz = self.quizzes_dir is not None and file.is_relative_to(self.quizzes_dir)
            model = _read(file, Quiz if is_quiz else Role, problems)
            table: dict[str, Any] = quizzes if is_quiz else roles
            if model is not None and model.id in table:
                problems.add(str(file), 0, 0, f"duplicate id '{model.id}': the file is ignored")
            elif model is not None:
                table[model.id] = model
        self.quizzes, self.roles = quizzes, roles
        self.problems = [p.format() for p in problems.errors]
        for line in self.problems:
            log.warning("%s", line)


def _read(file: Path, model: type[Quiz] | type[Role], problems: Problems) -> Any:
    doc = read_yaml_file(file, str(file), problems)
    valid = validate(model, doc, problems) if doc is not None else None
    if isinstance(valid, Quiz):
        issues = check_quiz(valid)
        for issue in issues:
            problems.add(str(file), 0, 0, issue.message)
        return None if issues else valid
    return valid

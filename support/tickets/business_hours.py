"""Business hours: the calendars SLA clocks count in, chosen per priority, from a YAML source.

``PORTAL_BUSINESS_HOURS_FILE`` (default ``<portal>/business-hours.yml``) is validated like routing.yml:
every problem is ``path:line:col: error: ...``, and a file with errors changes nothing (the last good
calendars stay in force). Without a file every clock runs round the clock. ``24x7`` is a built-in
calendar; P1 uses it unless the file says otherwise, the other priorities use ``default``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.errors import Problems
from generator.sources import locate, read_yaml_file, validate
from support.tickets.calendars import ROUND_THE_CLOCK, Calendar
from support.timezones import zones

log = logging.getLogger("support.business_hours")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]|24):([0-5][0-9])$")
BUILT_IN = "24x7"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Holiday(_Strict):
    """A closed day, with its name."""

    date: dt.date
    name: str = Field("", max_length=120)


class CalendarSpec(_Strict):
    """One calendar: working periods per weekday (``"08:00-12:00"``; a day left out is closed), holidays, a zone."""

    name: str = Field(min_length=1, max_length=120)
    time_zone: str | None = Field(None, description="Defaults to the file's time_zone, then PORTAL_TIME_ZONE.")
    hours: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[str]]
    holidays: list[dt.date | Holiday] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zones():
            raise ValueError(f"unknown time zone '{value}'; expected an IANA name such as Europe/Berlin")
        return value

    @field_validator("hours")
    @classmethod
    def _periods(cls, hours: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, spans in hours.items():
            previous = -1
            for span in spans:
                match = SPAN.match(span)
                if not match:
                    raise ValueError(f"{day}: '{span}' is not a period such as 08:00-12:00")
                start, end = int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4])
                if end > 24 * 60 or end <= start:
                    raise ValueError(f"{day}: '{span}' ends before it starts (or after 24:00)")
                if start < previous:
                    raise ValueError(f"{day}: '{span}' overlaps or precedes the period before it; list periods in order")
                previous = end
        if not any(hours.values()):
            raise ValueError("a calendar needs at least one working period in the week")
        return hours


class HoursFile(_Strict):
    """The business-hours source: calendars by id, and which calendar each priority's SLA clocks use."""

    time_zone: str | None = None
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    default: str = Field(BUILT_IN, description="The calendar of priorities not listed (P1 keeps 24x7 unless listed).")
    priorities: dict[Literal["P1", "P2", "P3", "P4"], str] = Field(default_factory=dict)

    _zone_check = field_validator("time_zone")(CalendarSpec._zone.__func__)  # type: ignore[attr-defined]

    @model_validator(mode="after")
    def _no_built_in_override(self) -> "HoursFile":
        if BUILT_IN in self.calendars:
            raise ValueError(f"calendars: '{BUILT_IN}' is built in (round the clock); give your calendar another id")
        return self


def check(spec: HoursFile, doc: object, problems: Problems, path: str) -> None:
    """Cross-references: ``default`` and each priority must name a calendar of the file (or 24x7)."""
    known = {BUILT_IN, *spec.calendars}
    for loc, value in [(("default",), spec.default), *((("priorities", p), c) for p, c in spec.priorities.items())]:
        if value not in known:
            line, col = locate(doc.data, loc, doc.line_offset)  # type: ignore[attr-defined]
            problems.add(path, line, col, f"{'.'.join(loc)}: unknown calendar '{value}' (calendars: {', '.join(sorted(known))})")


def load(file: Path) -> tuple[HoursFile | None, list[str]]:
    """The calendars in ``file`` and the problems found (None when there is any error)."""
    problems = Problems()
    doc = read_yaml_file(file, str(file), problems)
    spec = validate(HoursFile, doc, problems) if doc is not None else None
    if isinstance(spec, HoursFile):
        check(spec, doc, problems, str(file))
    errors = [p.format() for p in problems.errors]
    return (spec if isinstance(spec, HoursFile) and not errors else None), errors


def build(spec: CalendarSpec, zone: str) -> Calendar:
    """The working-time calendar of one spec (``zone``: the file's or the portal's, when the spec has none)."""
    def period(span: str) -> tuple[dt.time, dt.time | None]:
        start, end = span.split("-")
        return dt.time.fromisoformat(start), None if end == "24:00" else dt.time.fromisoformat(end)
    week = {DAYS.index(day): [period(s) for s in spans] for day, spans in spec.hours.items()}
    holidays = frozenset(h if isinstance(h, dt.date) else h.date for h in spec.holidays)
    return Calendar(spec.name, spec.time_zone or zone, week, holidays)


@dataclass
class Hours:
    """The calendars in force: one per priority."""

    by_priority: dict[str, Calendar] = field(default_factory=dict)

    def for_priority(self, priority: str) -> Calendar:
        """The calendar a priority's clocks count in (round the clock when none is set)."""
        return self.by_priority.get(priority, ROUND_THE_CLOCK)


def resolve(spec: HoursFile, portal_zone: str) -> Hours:
    """Each priority's calendar from a valid source."""
    zone = spec.time_zone or portal_zone
    built = {cid: build(c, zone) for cid, c in spec.calendars.items()} | {BUILT_IN: ROUND_THE_CLOCK}
    chosen = {"P1": BUILT_IN} | {p: spec.default for p in ("P2", "P3", "P4")} | dict(spec.priorities)
    return Hours({p: built[c] for p, c in chosen.items()})


@dataclass
class HoursSource:
    """The business-hours file, read again when it changes (looked at most every ``check_seconds``).

    ``generation`` counts the changes in force, so the SLA sweep knows to recompute every open ticket.
    """

    file: Path | None
    portal_zone: str = "UTC"
    check_seconds: float = 1.0
    hours: Hours = field(default_factory=Hours)
    problems: list[str] = field(default_factory=list)
    generation: int = 0
    applied: int = 0
    """The generation the stored SLA due times were computed with (``sla.sweep`` updates it)."""
    _stamp: int | None = None
    _checked_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> Hours:
        """The calendars in force."""
        with self._lock:
            now = time.monotonic()
            if self.file is None or now - self._checked_at < self.check_seconds:
                return self.hours
            self._checked_at = now
            stamp = self.file.stat().st_mtime_ns if self.file.is_file() else None
            if stamp != self._stamp:
                self._stamp = stamp
                self._reload()
            return self.hours

    def _reload(self) -> None:
        if self.file is None or not self.file.is_file():
            self.hours, self.problems, self.generation = Hours(), [], self.generation + 1
            return
        spec, self.problems = load(self.file)
        for line in self.problems:
            log.warning("%s", line)
        if spec is not None:
            self.hours, self.generation = resolve(spec, self.portal_zone), self.generation + 1


_active = HoursSource(None)


def install(source: HoursSource) -> None:
    """Make ``source`` the calendars every SLA clock of this process counts in (the app factory calls it)."""
    global _active
    _active = source


def active() -> HoursSource:
    """The business-hours source in force."""
    return _active


def calendar_for(priority: str) -> Calendar:
    """The calendar in force for a priority."""
    return _active.current().for_priority(priority)

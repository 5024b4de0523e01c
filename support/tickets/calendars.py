"""Working time of a business-hours calendar: periods per weekday in a time zone, minus holidays.

``working_seconds(a, b)`` is how much of ``[a, b)`` falls in working periods; ``add(start, seconds)`` is the
moment that much working time after ``start``. Periods are read in the calendar's zone day by day, so a
period keeps its local hours across a daylight-saving change. ``ROUND_THE_CLOCK`` counts every second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Period = tuple[dt.time, dt.time | None]  # end None: midnight at the end of the day
CACHED_DAYS = 4000  # days whose periods are kept, per calendar
SEARCH_DAYS = 3 * 366  # no calendar is closed this long (each has a working period a week): beyond it, give up


@dataclass(frozen=True)
class Calendar:
    """When the clock runs: ``week[weekday]`` (Monday 0) lists local periods; ``holidays`` are closed days."""

    name: str
    zone: str = "UTC"
    week: dict[int, list[Period]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()
    always: bool = False
    _days: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = field(default_factory=dict, compare=False, repr=False)

    def periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of a local day, as aware UTC datetimes (none on a holiday); kept once worked out."""
        found = self._days.get(day)
        if found is None:
            if len(self._days) > CACHED_DAYS:
                self._days.clear()
            found = self._days[day] = [] if day in self.holidays else self._periods(day)
        return found

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        tz = ZoneInfo(self.zone)
        next_day = day + dt.timedelta(days=1)
        return [(dt.datetime.combine(day, start, tz).astimezone(dt.UTC),
                 (dt.datetime.combine(next_day, dt.time(), tz) if end is None else dt.datetime.combine(day, end, tz)).astimezone(dt.UTC))
                for start, end in self.week.get(day.weekday(), [])]

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> int:
        """Seconds of working time between two moments (0 if ``end`` is not after ``start``)."""
        if end <= start:
            return 0
        if self.always:
            return int((end - start).total_seconds())
        tz = ZoneInfo(self.zone)
        day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
        total = 0.0
        while day <= last:
            for low, high in self.periods_on(day):
                overlap = (min(high, end) - max(low, start)).total_seconds()
                total += max(0.0, overlap)
            day += dt.timedelta(days=1)
        return int(total)

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of working time after ``start`` (``start`` itself for 0 or less)."""
        if seconds <= 0 or self.always:
            return start + dt.timedelta(seconds=max(0.0, seconds))
        tz = ZoneInfo(self.zone)
        day, left = start.astimezone(tz).date(), float(seconds)
        for _ in range(SEARCH_DAYS):
            for low, high in self.periods_on(day):
                low = max(low, start)
                span = (high - low).total_seconds()
                if span <= 0:
                    continue
                if left <= span:
                    return (low + dt.timedelta(seconds=left)).astimezone(dt.UTC)
                left -= span
            day += dt.timedelta(days=1)
        return dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


ROUND_THE_CLOCK = Calendar("Round the clock (24x7)", always=True)

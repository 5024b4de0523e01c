"""Business-hours calendars: working time across a weekend, a holiday and a DST change; the source's located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from support.tickets import business_hours
from support.tickets.calendars import ROUND_THE_CLOCK

EXAMPLE = Path(__file__).parents[3] / "examples" / "business-hours" / "business-hours.yml"
UTC = dt.UTC


def office() -> business_hours.Calendar:
    spec, problems = business_hours.load(EXAMPLE)
    assert spec is not None and problems == []
    return business_hours.resolve(spec, "UTC").for_priority("P3")


def test_working_time_skips_the_weekend_and_a_holiday() -> None:
    """Wednesday 23 Dec 16:00 CET + 4 working hours: 1 h that day, the 24th-26th holidays, the weekend -> Monday 11:00."""
    start = dt.datetime(2026, 12, 23, 15, 0, tzinfo=UTC)  # Wednesday 16:00 CET; the 24th-26th are holidays
    due = office().add(start, 4 * 3600)
    assert due == dt.datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # Monday 11:00 CET: 1 h Wed, 3 h Mon (08-11)
    assert office().working_seconds(start, due) == 4 * 3600


def test_the_lunch_break_and_nights_do_not_count() -> None:
    """From 11:30 to 13:30 local only one hour runs; overnight none does."""
    cal = office()
    assert cal.working_seconds(dt.datetime(2026, 11, 24, 10, 30, tzinfo=UTC), dt.datetime(2026, 11, 24, 12, 30, tzinfo=UTC)) == 3600
    assert cal.working_seconds(dt.datetime(2026, 11, 24, 17, 0, tzinfo=UTC), dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC)) == 0


def test_local_hours_hold_across_a_daylight_saving_change() -> None:
    """After the switch to summer time, 08:00 Berlin is 06:00 UTC, not 07:00."""
    friday = dt.datetime(2027, 3, 26, 16, 0, tzinfo=UTC)  # 17:00 CET, closed
    assert office().add(friday, 60) == dt.datetime(2027, 3, 29, 6, 1, tzinfo=UTC)


def test_p1_is_round_the_clock_unless_listed_and_p2_uses_its_calendar() -> None:
    """P1 keeps the built-in 24x7; P2 the calendar the file names; others the default."""
    spec, _ = business_hours.load(EXAMPLE)
    hours = business_hours.resolve(spec, "UTC")
    assert hours.for_priority("P1") is ROUND_THE_CLOCK
    assert hours.for_priority("P2").name.startswith("Plant shifts") and hours.for_priority("P4").name.startswith("Office")


@pytest.mark.parametrize(("text", "expected"), [
    ("calendars:\n  o:\n    name: O\n    hours: {mon: ['08:00-25:00']}\n", "4:12: error: calendars.o.hours: mon: '08:00-25:00' is not a period such as 08:00-12:00"),
    ("calendars:\n  o:\n    name: O\n    time_zone: Mars/Base\n    hours: {mon: ['08:00-12:00']}\n", "4:16: error: calendars.o.time_zone"),
    ("calendars:\n  o:\n    name: O\n    hours: {mon: ['08:00-12:00']}\npriorities:\n  P2: offce\n", "6:7: error: priorities.P2: unknown calendar 'offce'"),
    ("calendars:\n  o:\n    name: O\n    hours: {mon: ['08:00-12:00']}\n    holidays: [2026-02-30]\n", "5:"),
])
def test_a_bad_source_is_reported_with_line_and_column_and_loads_nothing(tmp_path: Path, text: str, expected: str) -> None:
    """Bad periods, zones, references and dates are each one located error; nothing is loaded."""
    file = tmp_path / "business-hours.yml"
    file.write_text(text)
    spec, problems = business_hours.load(file)
    assert spec is None and len(problems) == 1
    assert problems[0].startswith(f"{file}:") and expected in problems[0], problems[0]

"""Time zones: the IANA names this machine knows, and showing a stored UTC time in one of them."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from support.clock import parse


@functools.cache
def zones() -> frozenset[str]:
    """Every IANA time zone name available (``UTC`` always among them)."""
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def local(when: str | dt.datetime | None, zone: str) -> str:
    """A stored time as ``2026-12-01 09:30 CET`` in ``zone`` (empty for no time; unreadable text as it is)."""
    if not when:
        return ""
    try:
        moment = parse(when) if isinstance(when, str) else when
    except ValueError:
        return str(when)
    shown = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return shown.strftime("%Y-%m-%d %H:%M ") + (shown.tzname() or zone)

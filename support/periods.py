"""The from/to range of reports (tickets, satisfaction, training): whole days in the portal's time zone, as stored UTC timestamps.

Bounds are ISO 8601 dates, both included; either may be left out (open-ended). The SQL condition is
built from the validated dates only (never from the text a client sent), so it is inlined.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from support.clock import iso

EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(9998, 12, 31)


class ReportRange(BaseModel):
    """``?from=2026-11-01&to=2026-11-30``: the days a report covers (both included; empty means open-ended)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    start: dt.date | None = Field(None, alias="from", ge=EARLIEST, le=LATEST, description="First day (YYYY-MM-DD), included.")
    end: dt.date | None = Field(None, alias="to", ge=EARLIEST, le=LATEST, description="Last day (YYYY-MM-DD), included.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _empty_is_open(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and len(value.strip()) != 10:
            raise ValueError("expected a date as YYYY-MM-DD, e.g. 2026-11-30")
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _in_order(self) -> "ReportRange":
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"to: {self.end} is before from ({self.start}); the last day must not precede the first")
        return self

    def label(self) -> str:
        """``2026-11-01 to 2026-11-30``, ``from 2026-11-01``, ``up to 2026-11-30`` or ``all time``."""
        if self.start and self.end:
            return f"{self.start} to {self.end}"
        return f"from {self.start}" if self.start else (f"up to {self.end}" if self.end else "all time")

    def query(self) -> str:
        """The range as a query string to keep in links (``from=...&to=...``), empty for all time."""
        parts = [f"from={self.start}" if self.start else "", f"to={self.end}" if self.end else ""]
        return "&".join(p for p in parts if p)


def range_errors(exc: ValidationError) -> dict[str, str]:
    """``{"from" or "to": message}`` for a range that did not validate, to show beside its field or as a 422."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"] and message.startswith("to: "):
            field, message = "to", message.removeprefix("to: ")
        else:
            field = "to" if error["loc"] and error["loc"][0] in ("to", "end") else "from"
        errors.setdefault(field, message)
    return errors


class Period:
    """A validated range as UTC bounds, with the SQL condition on a timestamp column."""

    def __init__(self, span: ReportRange | None = None, zone: str = "UTC") -> None:
        span = span or ReportRange()
        tz = ZoneInfo(zone)
        self.low = iso(dt.datetime.combine(span.start, dt.time(), tz)) if span.start else ""
        self.high = iso(dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time(), tz)) if span.end else ""

    @property
    def is_open(self) -> bool:
        """True for all time (no bound on either side)."""
        return not self.low and not self.high

    def where(self, column: str) -> str:
        """``column >= '…' AND column < '…'`` (``TRUE`` when open on both sides), for a column of stored timestamps."""
        parts = [f"{column} >= '{self.low}'" if self.low else "", f"{column} < '{self.high}'" if self.high else ""]
        return " AND ".join(p for p in parts if p) or "TRUE"

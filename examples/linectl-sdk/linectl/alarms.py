"""Station alarms: what is wrong at which station, and acknowledging them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from .client import Client

SEVERITIES = ("INFO", "MINOR", "MAJOR", "CRITICAL")
"""Alarm severities, least to most urgent. MAJOR and CRITICAL alarms need a comment to be acknowledged."""


@dataclass(frozen=True)
class Alarm:
    """An alarm as the API returns it.

    Attributes:
        id: The alarm's id.
        code: The alarm code, e.g. ``TQ-201`` (torque out of window) or ``BC-301`` (label not read).
        severity: One of ``SEVERITIES``.
        station: The station, e.g. ``L2-S04``.
        message: The text the HMI shows.
        raised_at: When the station raised it (UTC).
        acknowledged: Whether someone acknowledged it.
    """

    id: int
    code: str
    severity: str
    station: str
    message: str
    raised_at: dt.datetime
    acknowledged: bool

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Alarm":
        """Build from the API's JSON object (timestamps in ISO 8601, UTC)."""
        raised = dt.datetime.fromisoformat(data["raised_at"].replace("Z", "+00:00"))
        return cls(data["id"], data["code"], data["severity"], data["station"], data.get("message", ""), raised,
                   bool(data.get("acknowledged")))


class Alarms:
    """The ``/alarms`` endpoints, as ``client.alarms``."""

    def __init__(self, client: "Client"):
        self._client = client

    def active(self, line: str | None = None, severity: str | None = None) -> Iterator[Alarm]:
        """The alarms still active, optionally of one line and at least one severity."""
        for item in self._client.pages("/alarms", line=line, state="ACTIVE", min_severity=severity):
            yield Alarm.from_api(item)

    def get(self, alarm_id: int) -> Alarm:
        """One alarm by id.

        Raises:
            NotFound: When there is no such alarm.
        """
        return Alarm.from_api(self._client.request("GET", f"/alarms/{alarm_id}"))

    def acknowledge(self, alarm_id: int, comment: str = "") -> Alarm:
        """Acknowledge an alarm: you have seen it and know who deals with it; the cause is not cleared.

        Args:
            alarm_id: The alarm.
            comment: Who is dealing with it, e.g. "Maintenance informed, MO-2026-01180"; required for
                MAJOR and CRITICAL alarms.
        """
        return Alarm.from_api(self._client.request("POST", f"/alarms/{alarm_id}/acknowledge", {"comment": comment}))

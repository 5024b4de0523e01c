"""Python client for the LineCtl REST API (``/api/v2``).

Example:
    >>> from linectl import Client
    >>> client = Client("https://linectl.example.internal/api/v2", token="...")
    >>> for alarm in client.alarms.active(line="L2"):
    ...     print(alarm.code, alarm.station, alarm.message)
"""

from .client import Client
from .errors import ApiError, Conflict, NotFound, RateLimited, Unauthorized

__all__ = ["ApiError", "Client", "Conflict", "NotFound", "RateLimited", "Unauthorized"]

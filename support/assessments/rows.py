"""JSON columns of the assessment tables: how values are written to and read from them."""

from __future__ import annotations

import json
from typing import Any


def loads(text: str | None, default: Any = None) -> Any:
    """A JSON column's value (``default`` for NULL)."""
    return default if text is None else json.loads(text)


def dumps(value: Any) -> str:
    """The JSON text stored in a column (compact, keys in order)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)

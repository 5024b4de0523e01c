"""Report tables: a named table of rows that pages draw, CSV exports write and the CLI prints, made safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text starting like a formula gets a leading ``'``.

    OWASP's advice against CSV injection: a cell such as ``=HYPERLINK(...)`` or ``+cmd|' /C calc'!A0``,
    typed into a ticket or a title, would otherwise run when the file is opened. Numbers stay as they
    are (a negative number is a value, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    """A named table of a report; ``chart`` names the column drawn as bars (if any)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: str | None = None
    label: str | None = None
    """The column that names each bar of the chart (a title rather than an id); the first column without it."""
    unit: str = ""
    total: int | None = None
    """How many rows the whole table has, when ``rows`` holds only the first of them."""

    def to_csv(self) -> str:
        """The table as CSV text with a header row, every cell through :func:`csv_cell`."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([csv_cell(c) for c in self.columns])
        writer.writerows([csv_cell(v) for v in row] for row in self.rows)
        return out.getvalue()

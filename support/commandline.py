"""What the backend's commands share: the ``--data-dir`` option, settings and the database file, printing report tables.

User errors are ``ClickException``s (``Error: ...``, exit 1), never tracebacks.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from support.errors import SettingsError
from support.settings import Settings, load_settings
from support.tables import Table

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PORTAL_DATA_DIR", default=".portal-data",
    show_default=True, help="The backend's data directory (env PORTAL_DATA_DIR).",
)


def settings_for(data_dir: Path) -> Settings:
    """The backend's settings for ``data_dir``, a bad one as a ``ClickException``."""
    try:
        return load_settings(data_dir=data_dir)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def database_path(data_dir: Path, must_exist: bool = True) -> Path | str:
    """``data_dir``'s database file (or ``PORTAL_DATABASE_URL`` when set); a ``ClickException`` when it must exist and does not."""
    if os.environ.get("PORTAL_DATABASE_URL"):
        return os.environ["PORTAL_DATABASE_URL"]
    path = data_dir / "portal.db"
    if must_exist and not path.is_file():
        raise click.ClickException(f"no portal database at {path} (check --data-dir or PORTAL_DATA_DIR)")
    return path


def print_tables(tables: list[Table], csv_dir: Path | None) -> None:
    """Print report tables as text and, with ``csv_dir``, write one CSV file per table."""
    for table in tables:
        click.echo(f"\n{table.title}\n" + _text_table(table.columns, table.rows))
        if csv_dir:
            try:
                csv_dir.mkdir(parents=True, exist_ok=True)
                (csv_dir / f"{table.name}.csv").write_text(table.to_csv(), encoding="utf-8")
            except OSError as exc:
                raise click.ClickException(f"cannot write the CSV files to {csv_dir}: {exc.strerror or exc}; "
                                           "choose a folder you can write to") from None
    if csv_dir:
        click.echo(f"\nWrote {len(tables)} CSV files to {csv_dir}")


def _text_table(columns: list[str], rows: list[list[object]]) -> str:
    cells = [columns] + [[str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) if rows else "\n".join(lines) + "\n(none)"

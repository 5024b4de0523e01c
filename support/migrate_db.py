"""``portal migrate-db --to postgresql://...``: move a portal's SQLite data into PostgreSQL, with a progress bar and a check."""

from __future__ import annotations

from pathlib import Path

import click

from support.commandline import data_dir_option
from support.db.store import is_portal_database
from support.migrations import MIGRATIONS


@click.command("migrate-db")
@click.option("--to", "url", required=True, help="The empty PostgreSQL database to copy into: postgresql://user@host/database.")
@data_dir_option
def migrate_db(url: str, data_dir: Path) -> None:
    """Copy the portal's SQLite database into an empty PostgreSQL database, then check every table (rows and checksum).

    The copy reads one snapshot of the SQLite file; stop the portal first for a final copy. Then run the
    portal with PORTAL_DATABASE_URL set to the same URL (attachments and keys stay in --data-dir).
    """
    from support.db.copy import CopyError, copy  # psycopg only when it is used

    source = data_dir / "portal.db"
    if not source.is_file():
        raise click.ClickException(f"no portal database at {source} (check --data-dir or PORTAL_DATA_DIR)")
    if problem := is_portal_database(source):
        raise click.ClickException(f"{source}: {problem}")
    with click.progressbar(length=1, label="Copying rows", show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            checks = copy(source, url, MIGRATIONS, progress)
        except CopyError as exc:
            raise click.ClickException(str(exc)) from None
    bad = [c for c in checks if not c.ok]
    for check in checks:
        mark = "ok" if check.ok else f"MISMATCH (PostgreSQL: {check.copied} rows, checksum {check.copied_checksum})"
        click.echo(f"{check.table:<24} {check.rows:>9} rows  checksum {check.checksum}  {mark}")
    if bad:
        raise click.ClickException(f"the copy differs in {len(bad)} table(s): {', '.join(c.table for c in bad)}")
    click.echo(f"Copied and checked {len(checks)} tables, {sum(c.rows for c in checks)} rows. "
               f"Now run the portal with PORTAL_DATABASE_URL={url}")

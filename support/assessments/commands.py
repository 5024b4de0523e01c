"""CLI commands of assessments: ``portal report certifications`` and ``portal attempts reset-wait|grant``."""

from __future__ import annotations

from pathlib import Path

import click

from support.accounts import service as accounts
from support.assessments import tracking
from support.assessments.catalog import Catalog
from support.clock import system_clock
from support.commandline import data_dir_option, database_path, print_tables, settings_for
from support.migrations import open_portal_store
from support.errors import NotFound
from support.kb.service import parse_export
from support.assessments.eligibility import add_reset

portal_dir_option = click.option(
    "--portal-dir", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="The portal folder (mkdocs.yml), for role titles.",
)


@click.command("certifications")
@click.option("--expiring", default=30, show_default=True, type=click.IntRange(0, 3650), help="Days ahead that count as expiring.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write each table as DIR/<table>.csv.")
@click.option("--kb", "kb_file", type=click.Path(dir_okay=False, path_type=Path), envvar="PORTAL_KB_PATH",
              default="site/_portal/kb.json", show_default=True, help="The build's kb.json, for the content-changed flag (env PORTAL_KB_PATH).")
@portal_dir_option
@data_dir_option
def report_certifications(expiring: int, csv_dir: Path | None, kb_file: Path, portal_dir: Path, data_dir: Path) -> None:
    """Per role: certified, expiring within N days, expired, never certified; and content changed since certification."""
    settings = settings_for(data_dir)
    catalog = Catalog.from_settings(settings.model_copy(update={"portal_dir": portal_dir}))
    pages = parse_export(kb_file.read_bytes())[0] if kb_file.is_file() else {}
    if not pages:
        click.echo(f"note: no {kb_file}: content changes cannot be checked", err=True)
    store = open_portal_store(database_path(data_dir))
    try:
        rows = tracking.learner_rows(store, pages, system_clock(), expiring, catalog.role_title)
    finally:
        store.close()
    tables = tracking.tables(rows, expiring)
    print_tables(tables, csv_dir)


@click.group()
def attempts() -> None:
    """Lift an assessment's rules for one learner: the wait between attempts, or the attempt limit."""


def _reset(email: str, quiz_id: str, kind: str, data_dir: Path) -> None:
    store = open_portal_store(database_path(data_dir))
    try:
        user = accounts.get_user_by_email(store, email)
        if user is None:
            raise click.ClickException(f"no account with email {email}")
        add_reset(store, user["id"], quiz_id, kind, "portal CLI", system_clock())
    except NotFound as exc:
        raise click.ClickException(f"{email} has no attempts at {quiz_id} (check the assessment id)") from exc
    finally:
        store.close()


@attempts.command("reset-wait")
@click.argument("email")
@click.argument("quiz")
@data_dir_option
def reset_wait(email: str, quiz: str, data_dir: Path) -> None:
    """Let EMAIL start the next attempt at assessment QUIZ now, without waiting."""
    _reset(email, quiz, "wait", data_dir)
    click.echo(f"{email} may start the next attempt at {quiz} now")


@attempts.command("grant")
@click.argument("email")
@click.argument("quiz")
@data_dir_option
def grant(email: str, quiz: str, data_dir: Path) -> None:
    """Give EMAIL a fresh set of attempts at assessment QUIZ, starting now."""
    _reset(email, quiz, "attempts", data_dir)
    click.echo(f"{email} has a fresh set of attempts at {quiz}, starting now")
